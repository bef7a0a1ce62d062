/** What a peer offered in its ClientHello, as seen before OpenSSL reads it. */
export interface ClientHelloSummary {
  /** Record-layer version of the first record, e.g. 'TLSv1' for 0x0301. */
  readonly recordVersion: string;
  /** legacy_version / client_version, e.g. 'TLSv1.2' for 0x0303. */
  readonly legacyVersion: string;
  /** supported_versions extension (0x002b) in offered order, GREASE removed; absent if not sent. */
  readonly supportedVersions?: readonly string[];
  /** Highest version offered, taking supported_versions into account. */
  readonly maxVersion: string;
  /** Every version the client would accept, highest first (derived). */
  readonly offeredVersions: readonly string[];
  /** Offered cipher suites in order: code and IANA name (or `0xC0,0x99` when unknown). GREASE removed. */
  readonly ciphers: readonly { readonly code: number; readonly name: string }[];
  /** Extension type codes in order as sent (GREASE kept as sent, for fingerprints). */
  readonly extensions: readonly number[];
  /** server_name, when sent. */
  readonly sni?: string;
  /** supported_groups names in order, GREASE removed. */
  readonly groups?: readonly string[];
  /** ec_point_formats. */
  readonly pointFormats?: readonly number[];
  /** signature_algorithms names in order. */
  readonly signatureAlgorithms?: readonly string[];
  /** ALPN protocols. */
  readonly alpn?: readonly string[];
  /** Groups for which a key_share was sent (TLS 1.3). */
  readonly keyShares?: readonly string[];
  /** Whether any GREASE value appeared (RFC 8701). */
  readonly grease: boolean;
  /** Total bytes of the handshake message (type + length + body). */
  readonly length: number;
  /** 'tls' for a normal hello, 'sslv2' for an SSLv2-compatible hello (very old clients). */
  readonly format: 'tls' | 'sslv2';
  /** The 32-byte client random as hex (the SSLv2 challenge, left-padded): the key in SSLKEYLOGFILE lines. */
  readonly random?: string;
  /** JA3 string (fingerprint.ts): `version,ciphers,extensions,groups,point_formats` in the order sent. */
  readonly ja3?: string;
  /** MD5 of `ja3`. */
  readonly ja3Hash?: string;
  /** JA4 (FoxIO), e.g. `t13i311000_e8f1e7e78f70_d41ae481755e`: stable when a client shuffles its extensions. */
  readonly ja4?: string;
  /** JA4_r: JA4 with the sorted cipher and extension lists written out. */
  readonly ja4r?: string;
  /** A well-known client this JA4 belongs to (known-clients.ts), e.g. 'openssl 3.0 s_client'. */
  readonly client?: string;
}
