import t from 'tap';
import { compareProducts } from '../fixtures/compare-products.js';
import { postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A product personality against the product it imitates, scanned side by side in the same test:
 * a private real Postfix 3.7 (Debian 12, smtpd_tls_security_level = may, nothing else
 * set; test/fixtures/postfix-instance.ts) against mxlab's postfix-3.7-default. Both serve mxlab's default chain, so any
 * difference is the TLS personality's. sslscan always (test/fixtures/compare-products.ts says what is
 * compared); testssl.sh too under `npm run test:interop` (MXLAB_SCAN_SWEEP=1).
 */

t.test('postfix-3.7-default against a real Postfix 3.7', { skip: postfixProblem() ?? false }, async (t) => {
  const [pf, lab] = await Promise.all([
    startPostfix(t, { tlsSecurityLevel: 'may', name: 'product' }),
    startTestLab(t, [{ name: 'postfix', profile: 'postfix-3.7-default', smtp: [0] }]),
  ]);
  await compareProducts(t, 'postfix-3.7-default', 'smtp', `${pf.host}:${pf.port}`, `127.0.0.1:${portOf(lab, 'postfix')}`);
});

