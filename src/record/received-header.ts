/** What a Postfix-style Received header needs; filled by the receiver when it stores a message. */
export interface ReceivedInput {
  readonly helo: string;
  readonly remoteAddress: string;
  readonly hostname: string;
  readonly id: string;
  readonly rcpt?: string;
  readonly date: Date;
  readonly tls?: { readonly version: string; readonly cipher: string; readonly bits: number };
  readonly authenticated?: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 date, e.g. `Mon, 23 Nov 2026 15:37:15 +0000 (UTC)` as Postfix writes it. */
export function rfc5322Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 (UTC)`;
}

/**
 * The Received header Postfix writes (docs/field-notes.md "Log formats"): `from HELO (name [ip]) (using TLSv1.2 with cipher
 * X (256/256 bits)) (No client certificate requested) by host (mxlab) with ESMTPS id … for <rcpt>; date`,
 * folded the way Postfix folds it. Loopback peers are named localhost, others unknown (no DNS is done).
 */
export function receivedHeader(r: ReceivedInput): string {
  const ip = r.remoteAddress.replace(/^::ffff:/, '');
  const rdns = ip === '127.0.0.1' || ip === '::1' ? 'localhost' : 'unknown';
  const lines = [`Received: from ${r.helo || 'unknown'} (${rdns} [${ip}])`];
  if (r.tls) {
    lines.push(`\t(using ${r.tls.version} with cipher ${r.tls.cipher} (${r.tls.bits}/${r.tls.bits} bits))`);
    lines.push('\t(No client certificate requested)');
  }
  const proto = `ESMTP${r.tls ? 'S' : ''}${r.authenticated ? 'A' : ''}`;
  lines.push(`\tby ${r.hostname} (mxlab) with ${proto} id ${r.id}`);
  lines.push(`\t${r.rcpt ? `for <${r.rcpt}>; ` : ''}${rfc5322Date(r.date)}`);
  return lines.join('\r\n') + '\r\n';
}
