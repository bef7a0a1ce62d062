import type { ClientHelloSummary } from './client-hello.js';

/**
 * The outcome of one connection, as the README's session records list it. Built only from lab events by
 * record/builder.ts; every renderer reads this and nothing else.
 */
export type SessionResult = 'tls' | 'plaintext' | 'downgraded' | 'refused' | 'handshake-failed' | 'error';

export type Protocol = 'smtp' | 'imap' | 'pop3';

export interface CipherInfo {
  /** OpenSSL name, e.g. ECDHE-RSA-AES256-GCM-SHA384. */
  readonly openssl: string;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384. */
  readonly iana: string;
  /** Symmetric key bits, e.g. 256. */
  readonly bits: number;
}

export interface KeyExchangeInfo {
  /** ECDHE, DHE, RSA (no forward secrecy), or the TLS 1.3 group family. */
  readonly type: 'ECDHE' | 'DHE' | 'RSA' | 'PSK' | 'unknown';
  /** Group name (X25519, P-256, ffdhe2048) when known. */
  readonly group?: string;
  /** Key size in bits (DH modulus, curve size). */
  readonly bits?: number;
  /** 'peer' when read from the handshake, 'configured' when it is the server's own fixed parameter, 'inferred' when derived from both hellos by OpenSSL's selection rule. */
  readonly source: 'peer' | 'configured' | 'inferred';
}

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** e.g. md5WithRSAEncryption, sha256WithRSAEncryption, ecdsa-with-SHA256. */
  readonly signatureAlgorithm: string;
  /** 'RSA 2048', 'EC P-256'. */
  readonly key: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint256: string;
  readonly dnsNames?: readonly string[];
}

export interface TranscriptLine {
  /** Milliseconds since the session started. */
  readonly t: number;
  /** 'C' client → server, 'S' server → client, '*' an event in between (TLS started, …). */
  readonly dir: 'C' | 'S' | '*';
  /** The line, with AUTH secrets masked. */
  readonly line: string;
}

/**
 * The sending side's judgement of the server's certificate (client role). mxlab connects with
 * verification off and decides itself, so the verdict is known even when the policy ignores it.
 */
export interface CertificateVerdict {
  /** Trust anchors used: the `ca` given to the sender, or Node's default root store. */
  readonly trust: 'given-ca' | 'default-store';
  /** The chain validated against `trust` (OpenSSL's verification, at the sender profile's security level). */
  readonly chainValid: boolean;
  /** Node's code when it did not: CERT_HAS_EXPIRED, UNSPECIFIED, … */
  readonly chainCode?: string;
  /** Human reason, e.g. "CA signature digest algorithm too weak (md5WithRSAEncryption on CN=…)". */
  readonly chainReason?: string;
  /** Name the certificate was checked against (TlsDomain, else the host). */
  readonly name: string;
  readonly nameValid: boolean;
  /** Why the name did not match (Node's ERR_TLS_CERT_ALTNAME_INVALID text). */
  readonly nameReason?: string;
  /** What the policy demanded: nothing (none/may/encrypt), chain (verify), chain-and-name (secure). */
  readonly required: 'nothing' | 'chain' | 'chain-and-name';
  /** The demand was met. */
  readonly passed: boolean;
  /** One line for tables: 'verified', 'name mismatch: …', the chain reason. */
  readonly summary: string;
}

/** One connection of a delivery (client role); a `may` delivery whose handshake failed has two. */
export interface DeliveryAttempt {
  /** Session record id of that connection. */
  readonly session: string;
  /** 1-based. */
  readonly attempt: number;
  readonly result: SessionResult;
  readonly reason: string;
  /** TLS was allowed on this connection (false for the plaintext retry). */
  readonly tlsAllowed: boolean;
  readonly version?: string;
  readonly cipher?: string;
  readonly errorCode?: string;
}

export interface SessionRecord {
  /** Unique within the lab run. */
  readonly id: string;
  /** Which lab peer had this session. */
  readonly peer: string;
  /**
   * 'server': a fake peer accepting; 'client': a fake peer connecting; 'proxy': the MITM proxy between
   * a real client and a real server (one record per client connection; `interception` says what it did).
   */
  readonly role: 'server' | 'client' | 'proxy';
  readonly protocol: Protocol;
  /** Profile name(s) of the mxlab peer, e.g. 'tls10-only+md5-chain'; '-' for the proxy, which has no TLS of its own. */
  readonly profile: string;
  /** Server policy (off/optional/required), client policy (none/may/…), or the proxy's `strip=<mode>`. */
  readonly policy: string;
  /** 'explicit' = STARTTLS/STLS on a plaintext start; 'implicit' = handshake first (465/993/995). */
  readonly tlsMode: 'explicit' | 'implicit';
  readonly local: { readonly address: string; readonly port: number };
  readonly remote: { readonly address: string; readonly port: number };
  /** EHLO/HELO name the client gave (last one). */
  readonly helo?: string;
  /** Whether STARTTLS was advertised to the client (explicit only). */
  readonly startTlsOffered?: boolean;
  /** Whether the client sent STARTTLS (explicit only). */
  readonly startTlsAttempted?: boolean;
  /** The peer's ClientHello (server role) or our own (client role). */
  readonly clientHello?: ClientHelloSummary;
  /** Negotiated version as the handshake settled it (getProtocol(), not the cipher's spec version). */
  readonly version?: string;
  readonly cipher?: CipherInfo;
  readonly keyExchange?: KeyExchangeInfo;
  /** Chain the server sent, leaf first. */
  readonly chain?: readonly CertificateSummary[];
  readonly sni?: string;
  /**
   * The quirk gate played this handshake by hand up to the ServerHello (a suite or version OpenSSL 3
   * lacks: RC4, 3DES, SSL 3.0); the session cannot go on from there and is 'handshake-failed'.
   */
  readonly imitated?: {
    /** IANA name of the suite the imitated ServerHello chose, e.g. TLS_RSA_WITH_RC4_128_SHA. */
    readonly suite: string;
    /** Its code, e.g. 5 (0x0005). */
    readonly code: number;
    /** OpenSSL 1.0 name, e.g. RC4-SHA. */
    readonly openssl?: string;
    /** ServerHello version, e.g. 'TLSv1' or 'SSLv3'. */
    readonly version: string;
    /** 'imitated up to ServerHello: …', what was sent and what the client answered. */
    readonly note: string;
  };
  /**
   * A scanner connection (`mxlab scan`): the raw hello sent and the server's answer. Its result is
   * 'handshake-failed' even when a ServerHello came: the scanner stops there on purpose.
   */
  readonly scanProbe?: { readonly hello: string; readonly answer: string; readonly serverHello: boolean };
  readonly result: SessionResult;
  /** Final protocol reply that decided the session, e.g. '250 2.0.0 Ok: queued as …', '530 5.7.0 …'. */
  readonly reply?: string;
  /** Error details when the session failed. */
  readonly error?: {
    /** Node/OpenSSL code: ERR_SSL_NO_SHARED_CIPHER, ECONNRESET, … */
    readonly code?: string;
    readonly message: string;
    /** TLS alert when one was sent or received. */
    readonly alert?: { readonly name: string; readonly code: number; readonly sent: boolean };
    /** Where it happened: connect, hello, handshake, command, data. */
    readonly stage: string;
  };
  /** Messages accepted during the session. */
  readonly messages: readonly { readonly id: string; readonly from: string; readonly to: readonly string[]; readonly size: number; readonly file?: string }[];
  readonly timings: {
    readonly start: string;
    readonly end: string;
    /** ms from TCP accept to handshake start (STARTTLS) or 0 for implicit. */
    readonly tlsStartMs?: number;
    /** Handshake duration in ms. */
    readonly handshakeMs?: number;
    readonly totalMs: number;
  };
  readonly transcript: readonly TranscriptLine[];
  /* Client role (mxlab as the sending MTA) only: */
  /** The policy in both vocabularies, e.g. 'encrypt (Exchange RequireTLS, EncryptionOnly)'. */
  readonly policyLabel?: string;
  /** Why the session ended as it did, e.g. '4.7.5 TLS is required, but was not offered by host …'. */
  readonly reason?: string;
  /** EHLO capabilities (keywords without the reply code; the greeting line left out), before and after TLS. */
  readonly ehlo?: { readonly beforeTls?: readonly string[]; readonly afterTls?: readonly string[] };
  /** AUTH was advertised on the plaintext connection, before any TLS (explicit only). */
  readonly authBeforeTls?: boolean;
  /** IMAP CAPABILITY / POP3 CAPA before and after TLS (SMTP's are in `ehlo`): advertised (server) or read (probe). */
  readonly capabilities?: { readonly beforeTls?: readonly string[]; readonly afterTls?: readonly string[] };
  /**
   * IMAP/POP3, explicit TLS: whether a login was allowed before TLS (no LOGINDISABLED; USER or a
   * plaintext SASL mechanism offered). False under the server policy `required`.
   */
  readonly loginBeforeTls?: boolean;
  /**
   * Client role with a certificate personality (`--profile md5-chain`, `tls10-only+expired`): the
   * chain mxlab offers as its client certificate, leaf first. It goes on the wire only when the server
   * asks for one (CertificateRequest: Postfix `smtpd_tls_ask_ccert`, Exchange with mutual TLS).
   */
  readonly clientCertificate?: { readonly personality: string; readonly chain: readonly CertificateSummary[] };
  /** The server certificate's verdict (client role, when TLS was established). */
  readonly verification?: CertificateVerdict;
  /** Id shared by every connection of one delivery. */
  readonly delivery?: string;
  /** Which connection of the delivery this was (1-based). */
  readonly attempt?: number;
  /** Every connection of the delivery, on the record of the last one. */
  readonly attempts?: readonly DeliveryAttempt[];
  /* Proxy role (mxlab proxy) only: */
  /**
   * What the MITM proxy did to this client's STARTTLS and what the client did about it. The record's
   * transcript is the client's leg (what the client sent and saw); each place where the upstream leg
   * differed is a '*' line starting with `proxy:` (what the upstream sent or was sent instead).
   */
  readonly interception?: Interception;
}

/** How the MITM proxy attacks STARTTLS (`mxlab proxy --strip`). */
export type StripMode = 'capability' | 'reply-454' | 'corrupt-command' | 'none';

/** The verdict an administrator needs from one proxied connection. */
export interface Interception {
  /**
   * capability: STARTTLS (STLS) removed from EHLO / CAPABILITY / CAPA; reply-454: the proxy refuses
   * the client's STARTTLS itself; corrupt-command: the command is mangled so the server rejects it;
   * none: pass through and observe.
   */
  readonly strip: StripMode;
  /** The real server the proxy relayed to. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** The upstream advertised STARTTLS (POP3: STLS) before TLS. */
  readonly startTlsOfferedByUpstream: boolean;
  /** STARTTLS reached the client in a capability list (after any stripping). */
  readonly startTlsSeenByClient: boolean;
  readonly clientSentStartTls: boolean;
  /** TLS was negotiated between the client and the upstream; from then on the proxy relayed bytes it cannot read. */
  readonly tlsEndToEnd: boolean;
  /** Without TLS, the client went on past greeting, capabilities and STARTTLS: it sent mail, login or mailbox commands in plaintext. */
  readonly continuedInPlaintext: boolean;
  /** A password or SASL response crossed the proxy in plaintext (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3 PASS/AUTH/APOP). */
  readonly credentialsInClear: boolean;
  /** Message content crossed the proxy in plaintext (SMTP DATA/BDAT, IMAP APPEND or a fetched body, POP3 RETR/TOP). */
  readonly mailInClear: boolean;
  /** What the proxy changed on the wire, each kind of change once, in order of first occurrence (the transcript has every one). */
  readonly rewrites: readonly string[];
  /** One line for tables, e.g. 'STARTTLS stripped from EHLO; client continued in plaintext: mail in the clear'. */
  readonly summary: string;
}
