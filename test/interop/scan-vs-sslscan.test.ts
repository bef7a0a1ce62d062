import t from 'tap';
import { runSslscan, suiteLists, viewOfScan } from '../fixtures/scanner-reports.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * `mxlab scan smtp` and `sslscan --starttls-smtp` on the same mxlab receivers, in the same test:
 * the same versions, the same accepted suites per version, DH size and leaf signature algorithm.
 * A few seconds; the full sweep (testssl.sh, Postfix, openssl s_server) is `npm run test:interop`.
 */

const PROFILES = ['modern', 'tls10-only', 'dhe-only'];
const lab = await startTestLab(t, PROFILES.map((p) => ({ name: p, profile: p, smtp: [0] })));

for (const profile of PROFILES) {
  t.test(profile, async (t) => {
    const port = portOf(lab, profile);
    const [scan, sslscan] = await Promise.all([
      lab.scan({ target: { protocol: 'smtp', host: '127.0.0.1', port }, timeoutMs: 3000 }),
      runSslscan('smtp', `127.0.0.1:${port}`),
    ]);
    const mine = viewOfScan(scan);
    t.same(mine.versions, sslscan.versions, 'versions');
    t.same(suiteLists(mine), suiteLists(sslscan), 'suites per version');
    t.equal(mine.dhBits, sslscan.dhBits, 'DH size');
    t.equal(mine.leafSignature, sslscan.leafSignature, 'leaf signature algorithm');
  });
}
