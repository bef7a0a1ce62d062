/**
 * Which TLS alert an OpenSSL error stands for. Errors named `…_ALERT_<NAME>` report an alert received
 * from the peer; the others are local failures after which OpenSSL sends the alert named here.
 */
const ALERT_CODES: Record<string, number> = {
  close_notify: 0, unexpected_message: 10, bad_record_mac: 20, record_overflow: 22, handshake_failure: 40,
  bad_certificate: 42, unsupported_certificate: 43, certificate_revoked: 44, certificate_expired: 45,
  certificate_unknown: 46, illegal_parameter: 47, unknown_ca: 48, access_denied: 49, decode_error: 50,
  decrypt_error: 51, protocol_version: 70, insufficient_security: 71, internal_error: 80,
  inappropriate_fallback: 86, user_canceled: 90, missing_extension: 109, unsupported_extension: 110,
  unrecognized_name: 112, certificate_required: 116, no_application_protocol: 120,
};

/** Local failures and the alert OpenSSL sends for them (ssl/statem: SSLfatal calls). */
const SENT_FOR: Record<string, string> = {
  ERR_SSL_NO_SHARED_CIPHER: 'handshake_failure',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol_version',
  ERR_SSL_VERSION_TOO_LOW: 'protocol_version',
  ERR_SSL_WRONG_VERSION_NUMBER: 'protocol_version',
  ERR_SSL_NO_SUITABLE_KEY_SHARE: 'handshake_failure',
  ERR_SSL_NO_SHARED_GROUPS: 'handshake_failure',
  ERR_SSL_DH_KEY_TOO_SMALL: 'handshake_failure',
  ERR_SSL_INAPPROPRIATE_FALLBACK: 'inappropriate_fallback',
  ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED: 'handshake_failure',
};

export interface AlertInfo {
  readonly name: string;
  readonly code: number;
  readonly sent: boolean;
}

export function alertFromError(code: string | undefined): AlertInfo | undefined {
  if (!code) return undefined;
  const received = /ALERT_([A-Z_]+)$/.exec(code);
  if (received) {
    const name = received[1]!.toLowerCase();
    return { name, code: ALERT_CODES[name] ?? -1, sent: false };
  }
  const sent = SENT_FOR[code];
  return sent ? { name: sent, code: ALERT_CODES[sent]!, sent: true } : undefined;
}

export function alertCode(name: string): number | undefined {
  return ALERT_CODES[name];
}
