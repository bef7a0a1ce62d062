/**
 * Misbehaviours of real peers, one flat documented record in the spirit of BoringSSL's ProtocolBugs:
 * the empty record is a correct peer. Each field's comment names the real system that does this and
 * what goes on the wire. A quirk is read only where the behaviour happens (the TLS layer's hello gate
 * or a protocol engine), never by the profile compiler.
 */
export interface Quirks {
  /**
   * HideStartTls: leave STARTTLS out of the EHLO reply although the command still works if sent.
   * Seen on receivers whose certificate binding broke (Exchange with a missing certificate).
   */
  readonly hideStartTls?: boolean;
  /**
   * RefuseStartTls: answer STARTTLS with `454 4.7.0 TLS not available due to local problem` (Postfix's
   * wording when its key cannot be read).
   */
  readonly refuseStartTls?: boolean;

  // --- Read by the hello gate (src/tls/quirk-gate.ts), before OpenSSL sees the ClientHello ---

  /**
   * IntolerantAbove: the highest version the server can parse. A ClientHello offering anything higher,
   * in legacy_version or in supported_versions, gets `intoleranceReaction` instead of a ServerHello,
   * where a correct server would answer with its own highest version (RFC 5246 appendix E.1). The
   * wire shows the ClientHello and then a FIN (or RST, or an alert, or silence), never a ServerHello.
   * Real systems: TLS 1.0-era server stacks in appliances, load balancers and embedded MTAs that
   * compared the version instead of negotiating it; the reason browsers kept a "version fallback"
   * (retry with a lower version) until 2015-2016 and RFC 7507 added TLS_FALLBACK_SCSV. `'TLSv1'` is the seed case: "old servers
   * terminate the connection when offered a version newer than TLS 1.0".
   */
  readonly intolerantAbove?: 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';
  /**
   * IntolerantOfTls13: a ClientHello whose supported_versions lists TLS 1.3 (or a 1.3 draft) gets
   * `intoleranceReaction`; the same client limited to TLS 1.2 gets through. Real systems: middleboxes
   * and servers that choke on the TLS 1.3 hello (supported_versions, key_share) — Blue Coat/Symantec
   * ProxySG and other TLS-inspecting proxies in 2017, the reason TLS 1.3 keeps legacy_version 0x0303.
   */
  readonly intolerantOfTls13?: boolean;
  /**
   * IntolerantHelloSizes: a ClientHello whose handshake message (type, length and body) is between
   * `min` and `max` bytes, inclusive, gets `intoleranceReaction`. Real system: older F5 BIG-IP
   * firmware hangs on hellos of 256 to 511 bytes, the reason for the padding extension (RFC 7685) that
   * BoringSSL, NSS and OpenSSL (SSL_OP_TLSEXT_PADDING) use to step over that range.
   */
  readonly intolerantHelloSizes?: { readonly min: number; readonly max: number };
  /**
   * IntoleranceReaction: what the three intolerance quirks above put on the wire instead of a
   * ServerHello. `close`: a FIN at once (most TLS 1.0-only stacks). `reset`: an RST (a middlebox
   * tearing the flow down). `alert`: a fatal alert, protocol_version (70) for the version quirks and
   * handshake_failure (40) for the size quirk, in a TLS 1.0 record. `hang`: nothing at all until the
   * client gives up or the handshake timeout closes the connection (the F5 case). @default 'close'
   */
  readonly intoleranceReaction?: 'close' | 'reset' | 'alert' | 'hang';
  /**
   * ImitateLegacySuites: the server's only suites, IANA names in its order of preference, all of
   * them suites OpenSSL 3 cannot negotiate (RC4, 3DES, DES, EXPORT; cipher-suites.ts marks them
   * `legacy`). A client offering one of them gets a hand-written ServerHello choosing the first the
   * server prefers, its Certificate (the peer's chain) and ServerHelloDone, in the version of
   * `imitateVersion` or else the highest the client and the profile share; the handshake cannot go on
   * from there (mxlab does not carry RC4 or 3DES), so the session ends 'handshake-failed' with
   * `imitated` in the record. A client offering none of them gets a fatal handshake_failure alert,
   * which is what SChannel and OpenSSL 1.0 sent. Real systems: Windows Server 2003 / Exchange 2003
   * with only RC4 left after the BEAST advice of 2011, the same without the AES update (3DES only).
   */
  readonly imitateLegacySuites?: readonly string[];
  /**
   * ImitateVersion: the ServerHello of `imitateLegacySuites` says this version whatever the client
   * offered, as an SSL 3.0-only server does: it answers 0x0300 to a TLS 1.2 hello and leaves the
   * client to refuse (RFC 7568 forbids SSL 3.0). Real system: IBM Lotus Domino before 9.0.1 FP2
   * (2014, POODLE), which spoke only SSL 3.0. Absent: the highest version the client and profile share.
   */
  readonly imitateVersion?: 'SSLv3' | 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';

  // --- Read by the protocol engines after the handshake (through SessionFaults, session-faults.ts) ---

  /**
   * CloseAfterHandshake: close the connection right after the TLS handshake, before the server says
   * anything over TLS. The client sees a finished handshake and then EOF where it expected the 220 (SMTPS)
   * or the EHLO reply (STARTTLS). Real systems: appliances whose SMTP proxy crashes after TLS (Cisco
   * ASA ESMTP inspection with TLS, Barracuda firmware bugs); the Postfix log line is "lost connection
   * after STARTTLS".
   */
  readonly closeAfterHandshake?: boolean;
  /**
   * CloseAfterFirstCommand: over TLS, read the first command and close without answering. Real
   * systems: servers that accept TLS but fail on the first encrypted read (a broken TLS offload, an
   * anti-spam proxy that loses its state after STARTTLS).
   */
  readonly closeAfterFirstCommand?: boolean;
  /**
   * CloseInData: close the connection after this many bytes of the message (DATA), without a reply.
   * Real systems: content filters and AV scanners that crash on a message, MTU/TLS-record problems
   * on VPNs that stall large messages; the sender logs "lost connection while sending message body".
   */
  readonly closeInDataAfterBytes?: number;
}
