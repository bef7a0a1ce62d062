import type { PeerInfo } from './lab.js';

/**
 * What a lab's peers turned away, for the line printed when the lab stops: connections refused over a
 * connection limit (each has a record) and connections lost at accept (EMFILE/ENFILE: no record, a
 * lab-warning each). Undefined when there were none, so a normal run prints nothing more.
 */
export function refusalSummary(peers: readonly PeerInfo[]): string | undefined {
  const overLimit = peers.reduce((n, p) => n + p.counters.overLimit, 0);
  const lost = peers.reduce((n, p) => n + p.counters.acceptErrors, 0);
  if (!overLimit && !lost) return undefined;
  const parts = [
    ...(overLimit ? [`${overLimit} connection(s) refused over a connection limit (recorded)`] : []),
    ...(lost ? [`${lost} connection(s) lost at accept, out of file descriptors (no record; see the warnings)`] : []),
  ];
  return parts.join('; ');
}
