import type { SessionRecord } from '../model/session-record.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function peerName(address: string): string {
  const ip = address.replace(/^::ffff:/, '');
  return `${ip === '127.0.0.1' || ip === '::1' ? 'localhost' : 'unknown'}[${ip}]`;
}

/** Postfix's trust words: Anonymous (server side, no client cert), Untrusted, Trusted, Verified. */
function trust(r: SessionRecord): string {
  if (r.role !== 'client') return 'Anonymous';
  return 'Untrusted';
}

/**
 * The session as Postfix logs it (smtpd for our receivers, smtp for our senders): `connect from`,
 * the TLS line (`Anonymous TLS connection established from …: TLSv1.2 with cipher … (256/256 bits)`
 * or `SSL_accept error from …`), queue ids, and `disconnect from … commands=N`.
 */
export function postfixLog(r: SessionRecord, host = 'mx'): string[] {
  const daemon = r.role !== 'client' ? 'postfix/smtpd' : 'postfix/smtp';
  const pid = 10000 + (Math.abs([...r.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)) % 50000);
  const prefix = (iso: string): string => `${syslogTime(iso)} ${host} ${daemon}[${pid}]: `;
  const who = peerName(r.remote.address);
  const out: string[] = [];
  const dirWord = r.role !== 'client' ? 'from' : 'to';
  if (r.role !== 'client') out.push(prefix(r.timings.start) + `connect from ${who}`);
  if (r.version && r.cipher) {
    out.push(prefix(r.timings.start) + `${trust(r)} TLS connection established ${dirWord} ${who}${r.role === 'client' ? `:${r.remote.port}` : ''}: ${r.version} with cipher ${r.cipher.openssl} (${r.cipher.bits}/${r.cipher.bits} bits)`);
  } else if (r.result === 'handshake-failed') {
    out.push(prefix(r.timings.end) + `${r.role !== 'client' ? 'SSL_accept' : 'SSL_connect'} error ${dirWord} ${who}: ${r.error?.code ?? '-1'}`);
    out.push(prefix(r.timings.end) + `warning: TLS library problem: ${r.error?.message ?? 'handshake failed'}`);
  }
  for (const m of r.messages) {
    out.push(prefix(r.timings.end) + `${m.id}: client=${who}`);
  }
  if (r.result === 'refused' && r.reply) {
    out.push(prefix(r.timings.end) + `NOQUEUE: reject: MAIL from ${who}: ${r.reply}; proto=ESMTP helo=<${r.helo ?? ''}>`);
  }
  if (r.error && r.result !== 'handshake-failed') out.push(prefix(r.timings.end) + `lost connection after ${r.error.stage.toUpperCase()} from ${who}: ${r.error.message}`);
  if (r.role !== 'client') {
    // Postfix counts each command as ok/total ("mail=0/1 commands=2/3") once one of them failed: a
    // command succeeded when the last reply before the next command is 2xx (so STARTTLS fails with
    // its handshake, DATA when the client leaves before the final reply).
    const counts = new Map<string, { ok: number; total: number }>();
    const verbOf = (line: string): string | undefined => {
      const verb = line.split(/\s+/)[0]!.toLowerCase();
      return /^[a-z]{4,8}$/.test(verb) ? verb : undefined;
    };
    const t = r.transcript;
    for (let i = 0; i < t.length; i++) {
      const verb = t[i]!.dir === 'C' ? verbOf(t[i]!.line) : undefined;
      if (!verb) continue;
      let final: string | undefined;
      let tlsFailed = false;
      for (let j = i + 1; j < t.length && !(t[j]!.dir === 'C' && verbOf(t[j]!.line)); j++) {
        if (t[j]!.dir === 'S') final = t[j]!.line;
        if (t[j]!.dir === '*' && /^TLS handshake failed/.test(t[j]!.line)) tlsFailed = true;
      }
      const c = counts.get(verb) ?? { ok: 0, total: 0 };
      c.total++;
      if (final?.startsWith('2') && !tlsFailed) c.ok++;
      counts.set(verb, c);
    }
    const all = [...counts.values()].reduce((a, c) => ({ ok: a.ok + c.ok, total: a.total + c.total }), { ok: 0, total: 0 });
    const show = (c: { ok: number; total: number }): string => (c.ok === c.total ? String(c.total) : `${c.ok}/${c.total}`);
    out.push(prefix(r.timings.end) + `disconnect from ${who}${[...counts].map(([k, c]) => ` ${k}=${show(c)}`).join('')} commands=${show(all)}`);
  }
  return out;
}
