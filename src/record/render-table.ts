import type { SessionRecord } from '../model/session-record.js';

const COLUMNS = [
  ['TIME', 13], ['PEER', 22], ['MODE', 9], ['REMOTE', 22], ['RESULT', 17], ['VERSION', 8], ['CIPHER', 30], ['REPLY / REASON', 0],
] as const;

const fit = (s: string, w: number): string => (w === 0 ? s : s.length > w - 1 ? `${s.slice(0, w - 2)}… ` : s.padEnd(w));

export function tableHeader(): string {
  return COLUMNS.map(([h, w]) => fit(h, w)).join('').trimEnd();
}

/** One fixed-width line per session, as `mxlab serve` prints them live. */
export function tableRow(r: SessionRecord): string {
  const time = r.timings.start.slice(11, 23);
  const mode = r.tlsMode === 'implicit' ? 'implicit' : r.startTlsAttempted ? 'starttls' : 'plain';
  const error = r.error ? `${r.error.code ? `${r.error.code}: ` : ''}${r.error.message}` : undefined;
  // A proxy row's question is what the client did once STARTTLS was attacked: the verdict first.
  const reason = r.interception ? [r.interception.summary, error].filter(Boolean).join('; ') : (error ?? r.reply ?? '');
  const cells = [time, r.peer, mode, `${r.remote.address.replace(/^::ffff:/, '')}:${r.remote.port}`, r.result, r.version ?? '-', r.cipher?.openssl ?? '-', reason];
  return cells.map((c, i) => fit(c, COLUMNS[i]![1])).join('').trimEnd();
}
