import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { connect, createSecureContext, TLSSocket } from 'node:tls';
import t from 'tap';
import { getChain } from '../../src/certs/factory.js';
import { DEFAULT_CERTS_DIR } from '../../src/lab/lab.js';
import { dhParamsPem } from '../../src/profiles/dh-params.js';
import { findProfile } from '../../src/profiles/resolve.js';
import { labSecureContext } from '../../src/profiles/secure-context.js';

/** The warnings the process emits while fn runs (emitWarning delivers them on the next tick). */
async function warningsOf(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error): void => void seen.push(`${w.name}: ${w.message}`);
  // Node's own printer is set aside meanwhile, so the warning this test provokes stays out of the output.
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
    for (const p of printers) process.on('warning', p);
  }
  return seen;
}

t.test('1024-bit DH parameters: no SecurityWarning from the lab, one from Node', async (t) => {
  const dhparam = dhParamsPem(1024);
  t.same(await warningsOf(() => labSecureContext({ dhparam, ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' })), []);
  // The same options through Node's own call do warn: the check above can see a warning.
  const node = await warningsOf(() => createSecureContext({ dhparam, ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' }));
  t.match(node, [/SecurityWarning: DH parameter is less than 2048 bits/]);
});

t.test('the parameters are in force: a DHE handshake uses the 1024-bit group', async (t) => {
  const material = await getChain(findProfile('dhe-1024')!.chain!, { dir: DEFAULT_CERTS_DIR, name: 'default' });
  const secureContext = labSecureContext({
    key: material.key, cert: material.cert, dhparam: dhParamsPem(1024),
    ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
  });
  // A TLSSocket over a plain server, as the lab's peers do (tls.Server would build its own context).
  const server = createServer((raw) => {
    const s = new TLSSocket(raw, { isServer: true, secureContext });
    s.on('secure', () => s.end());
    s.on('error', () => s.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const socket: TLSSocket = connect({
    host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false,
    ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0', maxVersion: 'TLSv1.2',
  });
  await once(socket, 'secureConnect');
  t.equal(socket.getCipher().standardName, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
  t.match(socket.getEphemeralKeyInfo(), { type: 'DH', size: 1024 });
  socket.destroy();
});
