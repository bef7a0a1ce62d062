/**
 * Opens one connection of a scan and brings it to the point where a ClientHello may be written:
 * straight after TCP for implicit TLS, after the STARTTLS dialogue otherwise. Strict lockstep (RFC
 * 3207 §4.2, RFC 2595 §3.1): each command waits for the whole reply, multi-line replies included,
 * and nothing is pipelined before the handshake, because a server may throw away what came before
 * its go-ahead (the STARTTLS injection fixes, CVE-2011-0411) and some drop the connection.
 */
import net from 'node:net';
import type { SessionEmitter } from '../events/session-emitter.js';
import { LineReader } from '../line/line-reader.js';
import { starttlsDialect, type ScanTarget } from './scan-target.js';

/** Why a connection never reached the handshake. */
export type DialogueFailure =
  | 'refused'
  | 'connect-timeout'
  | 'unreachable'
  /** 421 (SMTP) or a negative greeting: the server asks us to go away; the scan backs off. */
  | 'busy'
  | 'no-starttls'
  | 'silent'
  | 'closed'
  | 'garbage';

export type DialogueResult =
  | { readonly ok: true; readonly socket: net.Socket; readonly greeting?: string }
  | { readonly ok: false; readonly failure: DialogueFailure; readonly detail: string };

export interface DialogueOptions {
  readonly ehlo: string;
  readonly timeoutMs: number;
  readonly events?: SessionEmitter;
}

const MAX_LINE = 8192;
/** A greeting that is not text at all (a TLS server on a STARTTLS port, a binary protocol). */
const NOT_TEXT = /[\x00-\x08\x0e-\x1f\x7f]/;

export async function openForHandshake(target: ScanTarget, o: DialogueOptions): Promise<DialogueResult> {
  const socket = net.connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const connected = await new Promise<true | DialogueResult>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, failure: 'connect-timeout', detail: `no TCP connection to ${target.host}:${target.port} within ${o.timeoutMs} ms` }), o.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'ECONNREFUSED'
        ? { ok: false, failure: 'refused', detail: `connection refused by ${target.host}:${target.port}` }
        : { ok: false, failure: 'unreachable', detail: `${err.code ?? 'error'}: ${err.message}` });
    });
  });
  o.events?.emit({
    type: 'session-start', role: 'client', protocol: protocolOf(target), tlsMode: starttlsDialect(target.protocol) ? 'explicit' : 'implicit',
    profile: 'scan', policy: 'scan',
    local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
    remote: { address: socket.remoteAddress ?? target.host, port: socket.remotePort ?? target.port },
  });
  if (connected !== true) {
    socket.destroy();
    return connected;
  }
  const dialect = starttlsDialect(target.protocol);
  if (!dialect) return { ok: true, socket };
  const reader = new LineReader({ maxLineBytes: MAX_LINE, idleTimeoutMs: o.timeoutMs });
  reader.attach(socket);
  const fail = (failure: DialogueFailure, detail: string): DialogueResult => {
    reader.detach();
    socket.destroy();
    return { ok: false, failure, detail };
  };
  const send = (line: string): void => {
    o.events?.emit({ type: 'line', dir: 'C', line });
    socket.write(`${line}\r\n`);
  };
  /** One reply: for SMTP every line up to the one whose code is followed by a space (RFC 5321 §4.2.1). */
  const reply = async (multi: boolean): Promise<string[] | DialogueResult> => {
    const lines: string[] = [];
    for (;;) {
      const r = await reader.nextLine();
      // Bytes without a line end for the whole timeout: binary (a TLS server on a STARTTLS port), not a mail server.
      if (r.kind === 'timeout' && reader.buffered > 0) return fail('garbage', `the server sent ${reader.buffered} bytes that are no ${dialect.toUpperCase()} line (no line end within ${r.ms} ms)`);
      if (r.kind === 'timeout') return fail('silent', `the server said nothing for ${r.ms} ms${lines.length ? ` after "${lines.at(-1)}"` : ''}`);
      if (r.kind === 'overlong') return fail('garbage', `the server sent a line longer than ${r.limit} bytes`);
      if (r.kind === 'end') return fail('closed', r.error ? `${r.error.code ?? 'error'}: ${r.error.message}` : 'the server closed the connection');
      const text = r.bytes.toString('latin1');
      if (NOT_TEXT.test(text)) return fail('garbage', `the server sent binary data, not a ${dialect.toUpperCase()} line (a TLS port?)`);
      o.events?.emit({ type: 'line', dir: 'S', line: text });
      lines.push(text);
      if (!multi || !/^\d{3}-/.test(text)) return lines;
    }
  };
  const greeting = await reply(dialect === 'smtp');
  if (!Array.isArray(greeting)) return greeting;
  const first = greeting[0]!;
  if (dialect === 'smtp') {
    if (!/^\d{3}[ -]/.test(first)) return fail('garbage', `not an SMTP greeting: "${first.slice(0, 80)}"`);
    if (!first.startsWith('220')) return fail('busy', `the server greeted "${greeting.at(-1)}" (RFC 5321 §3.1: not now); backing off`);
    send(`EHLO ${o.ehlo}`);
    const ehlo = await reply(true);
    if (!Array.isArray(ehlo)) return ehlo;
    if (ehlo.at(-1)!.startsWith('421')) return fail('busy', `the server answered EHLO with "${ehlo.at(-1)}"; backing off`);
    if (!ehlo.some((l) => /^250[ -]STARTTLS\b/i.test(l))) return fail('no-starttls', 'the EHLO reply does not offer STARTTLS');
    send('STARTTLS');
    const go = await reply(true);
    if (!Array.isArray(go)) return go;
    const last = go.at(-1)!;
    if (last.startsWith('421')) return fail('busy', `the server answered STARTTLS with "${last}"; backing off`);
    if (!last.startsWith('220')) return fail('no-starttls', `the server refused STARTTLS: "${last}"`);
  } else if (dialect === 'imap') {
    if (/^\* BYE/i.test(first)) return fail('busy', `the server said "${first}"; backing off`);
    if (!/^\* (OK|PREAUTH)/i.test(first)) return fail('garbage', `not an IMAP greeting: "${first.slice(0, 80)}"`);
    send('A1 STARTTLS');
    for (;;) {
      const r = await reply(false);
      if (!Array.isArray(r)) return r;
      const l = r[0]!;
      if (/^A1 OK/i.test(l)) break;
      if (/^A1 /i.test(l)) return fail('no-starttls', `the server refused STARTTLS: "${l}"`);
    }
  } else {
    if (/^-ERR/i.test(first)) return fail('busy', `the server said "${first}"; backing off`);
    if (!/^\+OK/i.test(first)) return fail('garbage', `not a POP3 greeting: "${first.slice(0, 80)}"`);
    send('STLS');
    const r = await reply(false);
    if (!Array.isArray(r)) return r;
    if (!/^\+OK/i.test(r[0]!)) return fail('no-starttls', `the server refused STLS: "${r[0]}"`);
  }
  reader.detach();
  o.events?.emit({ type: 'starttls' });
  return { ok: true, socket, greeting: first };
}

function protocolOf(target: ScanTarget): 'smtp' | 'imap' | 'pop3' {
  if (target.protocol.startsWith('imap')) return 'imap';
  if (target.protocol.startsWith('pop3')) return 'pop3';
  return 'smtp';
}
