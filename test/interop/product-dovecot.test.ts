import t from 'tap';
import { compareProducts } from '../fixtures/compare-products.js';
import { dovecotProblem, startDovecot } from '../fixtures/dovecot-instance.js';
import { linePort } from '../fixtures/mail-lab.js';
import { startTestLab } from '../fixtures/test-lab.js';

/**
 * A product personality against the product it imitates, scanned side by side in the same test:
 * a private real Dovecot 2.3 (Debian 12's defaults, its 4096-bit ssl_dh;
 * test/fixtures/dovecot-instance.ts) against mxlab's dovecot-2.3-default over IMAP STARTTLS. Both serve mxlab's default chain, so any
 * difference is the TLS personality's. sslscan always (test/fixtures/compare-products.ts says what is
 * compared); testssl.sh too under `npm run test:interop` (MXLAB_SCAN_SWEEP=1).
 */

t.test('dovecot-2.3-default against a real Dovecot 2.3', { skip: dovecotProblem() ?? false }, async (t) => {
  const lab = await startTestLab(t);
  const [dc] = await Promise.all([startDovecot(t), lab.addImapServer({ name: 'dovecot', profile: 'dovecot-2.3-default', imap: [0] })]);
  await compareProducts(t, 'dovecot-2.3-default', 'imap', `${dc.host}:${dc.port}`, `127.0.0.1:${linePort(lab, 'dovecot')}`);
});
