import type { SessionRecord } from '../model/session-record.js';
import { openSslErrorString } from './openssl-errors.js';

/**
 * The session as Postfix 3.7 logs it (smtpd for mxlab's receivers, smtp for its senders), at
 * smtpd_tls_loglevel 1, line for line as a real Postfix 3.7.11 on Debian 12 writes them (captured;
 * test/interop/postfix-log.test.ts compares the two for the same failing and succeeding sessions):
 *
 *   connect from localhost[127.0.0.1]
 *   Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256
 *   SSL_accept error from localhost[127.0.0.1]: -1
 *   warning: TLS library problem: error:0A0000C1:SSL routines::no shared cipher:../ssl/statem/statem_srvr.c:2226:
 *   E591E212328: client=localhost[127.0.0.1]
 *   lost connection after STARTTLS from localhost[127.0.0.1]
 *   disconnect from localhost[127.0.0.1] ehlo=1 starttls=0/1 commands=1/2
 *
 * Postfix adds key-exchange and signature details to the TLS line for TLS 1.3 only.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Dec 02 03:31:25`: the timestamp of Postfix's own maillog_file (postlogd), zero-padded day. */
function syslogTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function peerName(address: string): string {
  const ip = address.replace(/^::ffff:/, '');
  return `${ip === '127.0.0.1' || ip === '::1' ? 'localhost' : 'unknown'}[${ip}]`;
}

/**
 * Postfix's trust words: Anonymous (the server side, no client certificate), Untrusted (chain not
 * verified), Trusted (chain verified, name not checked or not matching), Verified (chain and name).
 */
function trust(r: SessionRecord): string {
  if (r.role !== 'client') return 'Anonymous';
  const v = r.verification;
  if (v?.chainValid && v.nameValid) return 'Verified';
  if (v?.chainValid) return 'Trusted';
  return 'Untrusted';
}

/** OpenSSL's short names for the groups, as Postfix prints them: `X25519`, `ECDHE (prime256v1)`, `DHE (2048 bits)`. */
const GROUP_NAMES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** ` key-exchange … server-signature … server-digest …` for a TLS 1.3 session (Postfix's tls_log_summary). */
function tls13Details(r: SessionRecord): string {
  if (r.version !== 'TLSv1.3') return '';
  let out = '';
  const group = r.keyExchange?.group;
  if (group === 'X25519' || group === 'X448') out += ` key-exchange ${group}`;
  else if (group?.startsWith('ffdhe')) out += ` key-exchange DHE (${group.slice(5)} bits)`;
  else if (group) out += ` key-exchange ECDHE (${GROUP_NAMES[group] ?? group})`;
  const [type, size] = (r.chain?.[0]?.key ?? '').split(' ');
  // TLS 1.3 signs with RSA-PSS for any RSA key; the digest is the first one the client offered for the key type.
  const offered = r.clientHello?.signatureAlgorithms ?? [];
  const digestFor = (re: RegExp): string => (/sha(\d+)$/.exec(offered.find((s) => re.test(s)) ?? '')?.[1] ?? '256');
  if (type === 'RSA' || type === 'RSA-PSS') out += ` server-signature RSA-PSS (${size} bits) server-digest SHA${digestFor(/^rsa_pss_(rsae|pss)_sha/)}`;
  else if (type === 'EC' && size) out += ` server-signature ECDSA (${GROUP_NAMES[size] ?? size}) server-digest SHA${digestFor(/^ecdsa_/)}`;
  else if (type === 'Ed25519' || type === 'Ed448') out += ` server-signature ${type.toUpperCase()}`;
  return out;
}

/** What Postfix calls the last command: the verb, CONNECT before any, END-OF-MESSAGE after an accepted message's dot. */
function lastCommand(r: SessionRecord): string {
  const commands = r.transcript.filter((l) => l.dir === 'C');
  const last = commands[commands.length - 1];
  if (!last) return 'CONNECT';
  const verb = last.line.split(/\s+/)[0]!.toUpperCase();
  if (!/^[A-Z]{4,8}$/.test(verb)) return 'UNKNOWN';
  if ((verb === 'DATA' || verb === 'BDAT') && r.error?.stage === 'data') {
    const bytes = /\((\d+) bytes received\)/.exec(r.error.message)?.[1];
    return bytes ? `${verb} (${bytes} bytes)` : verb;
  }
  const lastServer = [...r.transcript].reverse().find((l) => l.dir === 'S');
  if (verb === 'DATA' && lastServer?.line.startsWith('250')) return 'END-OF-MESSAGE';
  return verb;
}

/** The smtpd lines for a failed handshake: OpenSSL's error, or the client gone in the middle of it. */
function handshakeFailure(r: SessionRecord, who: string, dirWord: string, call: string): string[] {
  const code = r.error?.code ?? '';
  const library = code.startsWith('ERR_SSL_') ? openSslErrorString(code, r.error?.message ?? '', r.role === 'client' ? 'client' : 'server') : undefined;
  if (library) return [`${call} error ${dirWord} ${who}: -1`, `warning: TLS library problem: ${library}`];
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return [`${call} error ${dirWord} ${who}: Connection timed out`];
  // A peer that closed (or reset) the connection during the handshake; also an imitated handshake the client left.
  return [`${call} error ${dirWord} ${who}: lost connection`];
}

/**
 * Postfix counts each command as ok/total ("mail=0/1 commands=2/3") once one of them failed: a
 * command succeeded when the last reply before the next command is 2xx (so STARTTLS fails with its
 * handshake, DATA when the client leaves before the final reply).
 */
function commandCounts(r: SessionRecord): string {
  const counts = new Map<string, { ok: number; total: number }>();
  const verbOf = (line: string): string | undefined => {
    const verb = line.split(/\s+/)[0]!.toLowerCase();
    return /^[a-z]{4,8}$/.test(verb) ? verb : undefined;
  };
  const t = r.transcript;
  for (let i = 0; i < t.length; i++) {
    const line = t[i]!;
    if (line.dir !== 'C') continue;
    // Postfix counts what it does not know as "unknown".
    const verb = verbOf(line.line) ?? 'unknown';
    let final: string | undefined;
    let tlsFailed = false;
    for (let j = i + 1; j < t.length && t[j]!.dir !== 'C'; j++) {
      if (t[j]!.dir === 'S') final = t[j]!.line;
      if (t[j]!.dir === '*' && /^TLS handshake failed/.test(t[j]!.line)) tlsFailed = true;
    }
    const known = final && !/^500 /.test(final) ? verb : 'unknown';
    const c = counts.get(known) ?? { ok: 0, total: 0 };
    c.total++;
    if (final?.startsWith('2') && !tlsFailed) c.ok++;
    counts.set(known, c);
  }
  const all = [...counts.values()].reduce((a, c) => ({ ok: a.ok + c.ok, total: a.total + c.total }), { ok: 0, total: 0 });
  const show = (c: { ok: number; total: number }): string => (c.ok === c.total ? String(c.total) : `${c.ok}/${c.total}`);
  return `${[...counts].map(([k, c]) => ` ${k}=${show(c)}`).join('')} commands=${show(all)}`;
}

/**
 * smtp(8)'s per-recipient status line: `QUEUEID: to=<rcpt>, relay=host[ip]:port, delay=…, delays=…,
 * dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as …)`, or deferred/bounced with the reason. The local
 * queue id stands for mxlab's own (it has none): derived from the record id.
 */
function deliveryStatus(r: SessionRecord, relay: string): string[] {
  const queueId = [...r.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 17).toString(16).toUpperCase().padStart(10, '0').slice(0, 10);
  const rcpts = r.messages.flatMap((m) => m.to);
  const fromTranscript = r.transcript.filter((l) => l.dir === 'C' && /^RCPT TO:/i.test(l.line)).map((l) => /<([^>]*)>/.exec(l.line)?.[1] ?? '');
  const to = rcpts.length ? rcpts : fromTranscript.length ? fromTranscript : [''];
  const seconds = (ms: number): string => String(Math.round(ms / 10) / 100);
  const tlsMs = r.timings.handshakeMs ?? 0;
  const delays = `delay=${seconds(r.timings.totalMs)}, delays=0/0/${seconds(tlsMs)}/${seconds(Math.max(0, r.timings.totalMs - tlsMs))}`;
  let status: string;
  if (r.messages.length) status = `dsn=2.0.0, status=sent (${r.reply ?? '250 Ok'})`;
  else {
    const why = r.reason ?? r.reply ?? r.error?.message ?? 'delivery failed';
    const dsn = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(why)?.[1] ?? '4.4.2';
    status = `dsn=${dsn}, status=${dsn.startsWith('5') ? 'bounced' : 'deferred'} (${why.replace(/^[245]\.\d{1,3}\.\d{1,3} /, '')})`;
  }
  return to.map((rcpt) => `${queueId}: to=<${rcpt}>, relay=${relay}, ${delays}, ${status}`);
}

/**
 * The session as Postfix logs it: `connect from`, the TLS line or the handshake failure, queue ids,
 * `lost connection after …` when the client left without QUIT, and `disconnect from … commands=N`.
 */
export function postfixLog(r: SessionRecord, host = 'mx'): string[] {
  const server = r.role !== 'client';
  const daemon = server ? 'postfix/smtpd' : 'postfix/smtp';
  const pid = 10000 + (Math.abs([...r.id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)) % 50000);
  const prefix = (iso: string): string => `${syslogTime(iso)} ${host} ${daemon}[${pid}]: `;
  const who = peerName(r.remote.address);
  const lines: [string, string][] = [];
  const log = (iso: string, text: string): void => void lines.push([iso, text]);
  const dirWord = server ? 'from' : 'to';
  const whoTls = `${who}${server ? '' : `:${r.remote.port}`}`;
  if (server) log(r.timings.start, `connect from ${who}`);
  if (r.version && r.cipher) {
    log(r.timings.start, `${trust(r)} TLS connection established ${dirWord} ${whoTls}: ${r.version} with cipher ${r.cipher.openssl} (${r.cipher.bits}/${r.cipher.bits} bits)${tls13Details(r)}`);
  } else if (r.result === 'handshake-failed') {
    for (const l of handshakeFailure(r, whoTls, dirWord, server ? 'SSL_accept' : 'SSL_connect')) log(r.timings.end, l);
  }
  for (const m of r.messages) log(r.timings.end, `${m.id}: client=${who}`);
  // A MAIL refused for want of STARTTLS (smtpd_tls_security_level = encrypt) gets no NOQUEUE line: smtpd
  // logs reject lines for its access restrictions only; the refusal shows as mail=0/1 in the counts.
  if (server) {
    const quit = r.transcript.some((l) => l.dir === 'C' && /^QUIT\b/i.test(l.line));
    const serverClosed = [...r.transcript].reverse().find((l) => l.dir === 'S')?.line.startsWith('421');
    if (!quit && !serverClosed) {
      const timedOut = r.error?.code === 'ETIMEDOUT' && r.error.stage !== 'handshake';
      log(r.timings.end, `${timedOut ? 'timeout' : 'lost connection'} after ${lastCommand(r)} from ${who}`);
    }
    log(r.timings.end, `disconnect from ${who}${commandCounts(r)}`);
  } else {
    for (const l of deliveryStatus(r, `${who}:${r.remote.port}`)) log(r.timings.end, l);
  }
  return lines.map(([iso, text]) => prefix(iso) + text);
}
