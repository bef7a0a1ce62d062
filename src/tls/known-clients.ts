/**
 * Labels for well-known clients, looked up by JA4. The table is data captured from the real clients
 * on a Debian 12 machine by `npx tsx scripts/capture-known-clients.ts` (which rewrites
 * known-clients-data.ts); test/tls/known-clients.test.ts captures them again and fails when a label no
 * longer matches, so an upgraded client shows up as a test failure, not as a wrong label.
 *
 * Why JA4 and not JA3: JA3 keeps the extensions in the order sent, so a client that shuffles them
 * (Chrome since v110, by design) gets a new JA3 on every connection; JA4 sorts them. The match also
 * leaves out the parts of ja4_a that depend on how the client was invoked rather than which client it
 * is: the SNI flag (a host name or an IP address was given), the extension count (SNI and ALPN are
 * among the extensions) and the ALPN characters. What remains is the protocol and version, the sorted
 * cipher list and the sorted extension list with the signature algorithms.
 */
import { KNOWN_CLIENTS, type KnownClient } from './known-clients-data.js';

export { KNOWN_CLIENTS, type KnownClient };

/** `t13i311000_e8f1e7e78f70_d41ae481755e` → `t13_e8f1e7e78f70_d41ae481755e`. */
export function labelKey(ja4: string): string {
  const [a = '', b = '', c = ''] = ja4.split('_');
  return `${a.slice(0, 3)}_${b}_${c}`;
}

let byKey: Map<string, string> | undefined;

/**
 * One label for clients whose hellos are the same: `a / b`, or, when they are settings of one program
 * (`Postfix 3.7 smtp (may)`, `Postfix 3.7 smtp (encrypt)`), `Postfix 3.7 smtp (may / encrypt)`.
 */
export function joinLabels(labels: readonly string[]): string {
  const parts = labels.map((l) => /^(.*) \((.*)\)$/.exec(l));
  const prefix = parts[0]?.[1];
  if (labels.length > 1 && parts.every((p) => p && p[1] === prefix)) return `${prefix} (${parts.map((p) => p![2]).join(' / ')})`;
  return labels.join(' / ');
}

/** The label of the well-known client(s) with this JA4; clients that share one are joined with ' / '. */
export function knownClient(ja4: string): string | undefined {
  if (!byKey) {
    const labels = new Map<string, string[]>();
    for (const k of KNOWN_CLIENTS) {
      const key = labelKey(k.ja4);
      const list = labels.get(key) ?? [];
      if (!list.includes(k.label)) list.push(k.label);
      labels.set(key, list);
    }
    byKey = new Map([...labels].map(([key, list]) => [key, joinLabels(list)]));
  }
  return byKey.get(labelKey(ja4));
}
