import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import t from 'tap';
import { getChain } from '../../src/certs/factory.js';
import { DEFAULT_CERTS_DIR } from '../../src/lab/lab.js';
import { DEFAULT_CHAIN } from '../../src/profiles/catalogue.js';
import { compareProducts } from '../fixtures/compare-products.js';
import { freePort } from '../fixtures/free-port.js';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * exim-4.96-default against the TLS library Exim uses at Exim's default: Debian's Exim is built
 * with GnuTLS and, with tls_require_ciphers unset, runs it at the NORMAL priority. Exim itself cannot be
 * installed next to Postfix, so `gnutls-serv --priority NORMAL` (the same GnuTLS 3.7.9) stands in for
 * it, over implicit TLS against the lab's SMTPS listener, both serving the lab's default chain. The
 * findings an OpenSSL server cannot give the way GnuTLS does are named, not compared.
 */

const gnutlsServ = (await runCommand('sh', ['-c', 'command -v gnutls-serv'])).stdout.trim();

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

t.test('exim-4.96-default against GnuTLS at NORMAL', { skip: gnutlsServ ? false : 'gnutls-serv is not installed (apt-get install gnutls-bin; .ci/run does this)' }, async (t) => {
  const dir = t.testdir({});
  const material = await getChain(DEFAULT_CHAIN, { dir: DEFAULT_CERTS_DIR, name: 'default' });
  writeFileSync(join(dir, 'chain.pem'), material.cert);
  writeFileSync(join(dir, 'key.pem'), material.key, { mode: 0o600 });
  const port = await freePort();
  const server = spawn(gnutlsServ, ['--x509certfile', join(dir, 'chain.pem'), '--x509keyfile', join(dir, 'key.pem'), '--priority', 'NORMAL', '-p', String(port)], { stdio: 'ignore' });
  t.teardown(() => server.kill('SIGTERM'));
  // gnutls-serv prints nothing useful when it is ready: wait until the port answers (generously: a loaded machine).
  let up = false;
  for (let i = 0; i < 300 && !(up = await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(up, `gnutls-serv listens on ${port}`);
  const lab = await startTestLab(t, [{ name: 'exim', profile: 'exim-4.96-default', smtps: [0] }]);
  await compareProducts(t, 'exim-4.96-default', undefined, `127.0.0.1:${port}`, `127.0.0.1:${portOf(lab, 'exim', 'implicit')}`, {
    signatureAlgorithms: 'GnuTLS accepts any TLS 1.2 signature algorithm from the client (sslscan: ANY); OpenSSL answers with its list',
    TLS_extensions: 'GnuTLS also answers status_request and echoes signature_algorithms; OpenSSL does neither without OCSP',
    DH_groups: 'GnuTLS negotiates RFC 7919 ffdhe groups at TLS 1.2 as well; OpenSSL 3.0 only at TLS 1.3, with fixed parameters below',
  });
});
