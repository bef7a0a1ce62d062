import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';

interface NativeContext {
  setDHParam?: (params: string | Buffer | true) => unknown;
}

/**
 * tls.createSecureContext, except that DH parameters under 2048 bits (dhe-1024 and the other legacy
 * personalities are weak on purpose) raise no SecurityWarning. Node's createSecureContext hands the
 * parameters to the native context, which returns the warning text, and then emits it on the process;
 * here the parameters go to the native context directly and its answer is dropped, so no other
 * warning of the process is touched. Where the native setter is missing, Node's own path is taken
 * (and warns as before).
 */
export function labSecureContext(options: SecureContextOptions): SecureContext {
  const { dhparam, ...rest } = options;
  if (dhparam === undefined) return createSecureContext(options);
  const context = createSecureContext(rest);
  const native = (context as unknown as { context?: NativeContext }).context;
  if (typeof native?.setDHParam !== 'function') return createSecureContext(options);
  // As Node's own configSecureContext does: 'auto' is `true` to the native setter (OpenSSL picks the size).
  native.setDHParam(dhparam === 'auto' || dhparam);
  return context;
}
