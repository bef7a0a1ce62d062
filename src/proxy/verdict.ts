import type { Interception, Protocol, StripMode } from '../model/session-record.js';

/** What a proxied session saw, filled in as it goes; the verdict is made from it at the end. */
export interface InterceptionFlags {
  startTlsOfferedByUpstream: boolean;
  startTlsSeenByClient: boolean;
  clientSentStartTls: boolean;
  tlsEndToEnd: boolean;
  continuedInPlaintext: boolean;
  credentialsInClear: boolean;
  mailInClear: boolean;
  /** The proxy removed STARTTLS from a capability list the upstream sent. */
  stripped: boolean;
  /** The upstream's answer to a mangled STARTTLS. */
  mangledAnswer?: string;
}

export function newFlags(): InterceptionFlags {
  return {
    startTlsOfferedByUpstream: false, startTlsSeenByClient: false, clientSentStartTls: false, tlsEndToEnd: false,
    continuedInPlaintext: false, credentialsInClear: false, mailInClear: false, stripped: false,
  };
}

const CAPABILITY_WORD: Record<Protocol, string> = { smtp: 'EHLO', imap: 'CAPABILITY', pop3: 'CAPA' };
const REFUSAL_WORD: Record<Protocol, string> = { smtp: '454', imap: 'NO', pop3: '-ERR' };
const STARTTLS_WORD: Record<Protocol, string> = { smtp: 'STARTTLS', imap: 'STARTTLS', pop3: 'STLS' };

/** What the proxy did, in a few words. */
function attack(strip: StripMode, protocol: Protocol, f: InterceptionFlags): string {
  const word = STARTTLS_WORD[protocol];
  if (!f.startTlsOfferedByUpstream && !f.clientSentStartTls) return `upstream offered no ${word}`;
  switch (strip) {
    case 'capability':
      return f.stripped ? `${word} stripped from ${CAPABILITY_WORD[protocol]}` : `${word} not in a capability list the client asked for`;
    case 'reply-454':
      return f.clientSentStartTls ? `${word} refused by the proxy (${REFUSAL_WORD[protocol]})` : `client sent no ${word}`;
    case 'corrupt-command':
      return f.clientSentStartTls ? `${word} mangled, upstream answered ${f.mangledAnswer ?? 'nothing'}` : `client sent no ${word}`;
    case 'none':
      return f.clientSentStartTls ? `${word} passed through` : `${word} offered, client did not use it`;
  }
}

/** What the client did about it, and what crossed in the clear. */
function outcome(f: InterceptionFlags): string {
  const exposed = [f.credentialsInClear ? 'credentials' : '', f.mailInClear ? 'mail' : ''].filter(Boolean);
  const inClear = exposed.length ? `: ${exposed.join(' and ')} in the clear` : '';
  if (f.tlsEndToEnd) return `TLS end to end${inClear ? ` (before it${inClear})` : ''}`;
  if (f.continuedInPlaintext) return `client continued in plaintext${inClear || ' (no credentials or mail sent)'}`;
  return `client did not continue in plaintext${inClear}`;
}

export function interception(strip: StripMode, protocol: Protocol, upstream: { host: string; port: number }, f: InterceptionFlags, rewrites: readonly string[]): Interception {
  return {
    strip,
    upstream: { host: upstream.host, port: upstream.port },
    startTlsOfferedByUpstream: f.startTlsOfferedByUpstream,
    startTlsSeenByClient: f.startTlsSeenByClient,
    clientSentStartTls: f.clientSentStartTls,
    tlsEndToEnd: f.tlsEndToEnd,
    continuedInPlaintext: f.continuedInPlaintext,
    credentialsInClear: f.credentialsInClear,
    mailInClear: f.mailInClear,
    // Once each: an IMAP server repeats its capabilities in the greeting, CAPABILITY and after login.
    rewrites: [...new Set(rewrites)],
    summary: `${attack(strip, protocol, f)}; ${outcome(f)}`,
  };
}
