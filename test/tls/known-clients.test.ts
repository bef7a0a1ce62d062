import t from 'tap';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { joinLabels, KNOWN_CLIENTS, knownClient, labelKey } from '../../src/tls/known-clients.js';
import { captureHello, installed, REAL_CLIENTS } from '../fixtures/real-clients.js';

/**
 * The known-clients table is data captured by scripts/capture-known-clients.ts. This captures every
 * installed client again and checks its hello still gets the label the table gives it: a client
 * upgrade that changes its hello fails here (re-run the script and commit the new table).
 * Labels are matched on JA4 (sorted, so immune to extension shuffling), without the SNI flag,
 * extension count and ALPN characters of ja4_a.
 */

t.test('the table is well-formed', async (t) => {
  t.ok(KNOWN_CLIENTS.length >= 5, `${KNOWN_CLIENTS.length} clients`);
  for (const k of KNOWN_CLIENTS) {
    t.match(k.ja4, /^t1[0-3][di]\d{4}[0-9A-Za-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/, `${k.label}: JA4 shape`);
    t.match(k.ja3Hash, /^[0-9a-f]{32}$/, `${k.label}: JA3 hash shape`);
  }
  t.equal(labelKey('t13d1516h2_8daaf6152771_e5627efa2ab1'), 't13_8daaf6152771_e5627efa2ab1');
  const first = KNOWN_CLIENTS[0]!;
  const [a, b, c] = first.ja4.split('_');
  t.equal(knownClient(`${a!.slice(0, 3)}d${Number(a!.slice(4, 6))}${String(Number(a!.slice(6, 8)) + 1).padStart(2, '0')}h2_${b}_${c}`), first.label, 'the same client with SNI and ALPN keeps its label');
  t.equal(knownClient(`${a}_${b}_000000000000`), undefined, 'another extension list is another client');
  t.equal(joinLabels(['Postfix 3.7 smtp (may)', 'Postfix 3.7 smtp (encrypt)']), 'Postfix 3.7 smtp (may / encrypt)', 'settings of one program share its name');
  t.equal(joinLabels(['curl 7.88', 'swaks 20201014.0']), 'curl 7.88 / swaks 20201014.0', 'different programs are listed');
});

for (const client of REAL_CLIENTS) {
  t.test(`${client.program}: a fresh capture still gets its label`, { skip: installed(client.program) ? false : `${client.program} not installed` }, async (t) => {
    const label = client.label(client.version());
    const row = KNOWN_CLIENTS.find((k) => k.label === label);
    t.ok(row, `the table has "${label}" (else run: npx tsx scripts/capture-known-clients.ts)`);
    const parsed = parseClientHello(await captureHello(client));
    if (parsed.status !== 'ok') throw new Error(`${client.program}: not a hello`);
    // Clients whose hellos are the same share one label (Postfix at may and at encrypt).
    t.equal(parsed.hello.client, row ? knownClient(row.ja4) : label, `labelled "${parsed.hello.client}" (JA4 ${parsed.hello.ja4}, table ${row?.ja4})`);
    if (row && parsed.hello.ja3Hash !== row.ja3Hash) t.comment(`${label}: JA3 changed (${row.ja3Hash} → ${parsed.hello.ja3Hash}); JA4 still matches`);
  });
}
