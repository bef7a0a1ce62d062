/**
 * Names for the small TLS code spaces a ClientHello and an alert carry, from the IANA "Transport Layer
 * Security (TLS) Parameters" and "TLS ExtensionType Values" registries, plus the few unregistered code
 * points real clients send. Every lookup falls back to hex, so an unknown code is still printable.
 */

/** `0x002b`: how unknown 16-bit codes are printed. */
export function hex16(code: number): string {
  return `0x${code.toString(16).padStart(4, '0')}`;
}

function lookup(table: ReadonlyMap<number, string>, code: number): string {
  return table.get(code) ?? hex16(code);
}

// --- Protocol versions (RFC 6101, 2246, 4346, 5246, 8446; SSLv2 as the SSLv2 hello writes it) ---

/** Names as Node and OpenSSL print them (`tls.TLSSocket#getProtocol()`). */
export const PROTOCOL_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0002, 'SSLv2'],
  [0x0300, 'SSLv3'],
  [0x0301, 'TLSv1'],
  [0x0302, 'TLSv1.1'],
  [0x0303, 'TLSv1.2'],
  [0x0304, 'TLSv1.3'],
]);

/**
 * Version name. TLS 1.3 drafts were sent as 0x7fNN (draft-ietf-tls-tls13 §4.2.1) and still show up in
 * hellos of clients built in 2017–2018.
 */
export function versionName(code: number): string {
  const known = PROTOCOL_VERSIONS.get(code);
  if (known !== undefined) return known;
  if (code >> 8 === 0x7f) return `TLSv1.3-draft${code & 0xff}`;
  return hex16(code);
}

/** Code for a version name from PROTOCOL_VERSIONS, e.g. 'TLSv1.2' → 0x0303. */
export function versionCode(name: string): number | undefined {
  for (const [code, n] of PROTOCOL_VERSIONS) if (n === name) return code;
  return undefined;
}

// --- Named groups (RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7, draft-ietf-tls-mlkem / -ecdhe-mlkem) ---

/**
 * supported_groups / key_share groups, under the names OpenSSL's `-groups` and Node's `ecdhCurve` accept
 * where there is one (NIST curves as P-256…, X25519), else the IANA name.
 */
export const NAMED_GROUPS: ReadonlyMap<number, string> = new Map([
  [1, 'sect163k1'],
  [2, 'sect163r1'],
  [3, 'sect163r2'],
  [4, 'sect193r1'],
  [5, 'sect193r2'],
  [6, 'sect233k1'],
  [7, 'sect233r1'],
  [8, 'sect239k1'],
  [9, 'sect283k1'],
  [10, 'sect283r1'],
  [11, 'sect409k1'],
  [12, 'sect409r1'],
  [13, 'sect571k1'],
  [14, 'sect571r1'],
  [15, 'secp160k1'],
  [16, 'secp160r1'],
  [17, 'secp160r2'],
  [18, 'secp192k1'],
  [19, 'P-192'],
  [20, 'secp224k1'],
  [21, 'P-224'],
  [22, 'secp256k1'],
  [23, 'P-256'],
  [24, 'P-384'],
  [25, 'P-521'],
  [26, 'brainpoolP256r1'],
  [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'],
  [29, 'X25519'],
  [30, 'X448'],
  // RFC 8734: brainpool curves for TLS 1.3 get their own code points.
  [31, 'brainpoolP256r1tls13'],
  [32, 'brainpoolP384r1tls13'],
  [33, 'brainpoolP512r1tls13'],
  [34, 'GC256A'],
  [35, 'GC256B'],
  [36, 'GC256C'],
  [37, 'GC256D'],
  [38, 'GC512A'],
  [39, 'GC512B'],
  [40, 'GC512C'],
  [41, 'curveSM2'],
  // RFC 7919 finite-field groups.
  [0x0100, 'ffdhe2048'],
  [0x0101, 'ffdhe3072'],
  [0x0102, 'ffdhe4096'],
  [0x0103, 'ffdhe6144'],
  [0x0104, 'ffdhe8192'],
  // Post-quantum: pure ML-KEM and the hybrids browsers and OpenSSL 3.5 send by default.
  [0x0200, 'MLKEM512'],
  [0x0201, 'MLKEM768'],
  [0x0202, 'MLKEM1024'],
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ec, 'X25519MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  // Pre-standard Kyber hybrids (Chrome 116–130, Cloudflare); the code points are still seen.
  [0x6399, 'X25519Kyber768Draft00'],
  [0x639a, 'SecP256r1Kyber768Draft00'],
  // RFC 4492: explicit curve parameters instead of a name (deprecated by RFC 8422).
  [0xff01, 'arbitrary_explicit_prime_curves'],
  [0xff02, 'arbitrary_explicit_char2_curves'],
]);

export function groupName(code: number): string {
  return lookup(NAMED_GROUPS, code);
}

// --- Signature schemes (RFC 8446 §4.2.3; TLS 1.2 HashAlgorithm×SignatureAlgorithm pairs, RFC 5246 §7.4.1.4.1) ---

export const SIGNATURE_SCHEMES: ReadonlyMap<number, string> = new Map([
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0708, 'sm2sig_sm3'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  // RFC 8734.
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  // draft-ietf-tls-mldsa.
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
]);

/** TLS 1.2 HashAlgorithm values (RFC 5246 §7.4.1.4.1), for pairs the scheme registry does not name. */
const LEGACY_HASHES: ReadonlyMap<number, string> = new Map([
  [1, 'md5'],
  [2, 'sha1'],
  [3, 'sha224'],
  [4, 'sha256'],
  [5, 'sha384'],
  [6, 'sha512'],
]);

/** TLS 1.2 SignatureAlgorithm values. */
const LEGACY_SIGNATURES: ReadonlyMap<number, string> = new Map([
  [1, 'rsa_pkcs1'],
  [2, 'dsa'],
  [3, 'ecdsa'],
]);

/**
 * Scheme name. TLS 1.2 pairs without a TLS 1.3 name (OpenSSL still sends 0x0301 rsa sha224, 0x0202
 * dsa sha1, … at low security levels) are named `<signature>_<hash>`, e.g. 'dsa_sha256'.
 */
export function signatureSchemeName(code: number): string {
  const known = SIGNATURE_SCHEMES.get(code);
  if (known !== undefined) return known;
  const hash = LEGACY_HASHES.get(code >> 8);
  const sig = LEGACY_SIGNATURES.get(code & 0xff);
  if (hash !== undefined && sig !== undefined) return `${sig}_${hash}`;
  return hex16(code);
}

// --- Extension types (IANA "TLS ExtensionType Values") ---

export const EXTENSION_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [2, 'client_certificate_url'],
  [3, 'trusted_ca_keys'],
  [4, 'truncated_hmac'],
  [5, 'status_request'],
  [6, 'user_mapping'],
  [7, 'client_authz'],
  [8, 'server_authz'],
  [9, 'cert_type'],
  [10, 'supported_groups'],
  [11, 'ec_point_formats'],
  [12, 'srp'],
  [13, 'signature_algorithms'],
  [14, 'use_srtp'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'],
  [19, 'client_certificate_type'],
  [20, 'server_certificate_type'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'],
  [24, 'token_binding'],
  [25, 'cached_info'],
  [26, 'tls_lts'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [29, 'pwd_protect'],
  [30, 'pwd_clear'],
  [31, 'password_salt'],
  [32, 'ticket_pinning'],
  [33, 'tls_cert_with_extern_psk'],
  [34, 'delegated_credential'],
  [35, 'session_ticket'],
  [36, 'TLMSP'],
  [37, 'TLMSP_proxying'],
  [38, 'TLMSP_delegate'],
  [39, 'supported_ekt_ciphers'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [47, 'certificate_authorities'],
  [48, 'oid_filters'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [52, 'transparency_info'],
  [53, 'connection_id_deprecated'],
  [54, 'connection_id'],
  [55, 'external_id_hash'],
  [56, 'external_session_id'],
  [57, 'quic_transport_parameters'],
  [58, 'ticket_request'],
  [59, 'dnssec_chain'],
  [60, 'sequence_number_encryption_algorithms'],
  [61, 'rrc'],
  [62, 'tls_flags'],
  // Unregistered but common: NPN (pre-ALPN SPDY), ALPS (old and new code point), Channel ID.
  [0x3374, 'next_protocol_negotiation'],
  [0x4469, 'application_settings_old'],
  [0x44cd, 'application_settings'],
  [0x7550, 'channel_id'],
  // draft-ietf-tls-esni.
  [0xfd00, 'ech_outer_extensions'],
  [0xfe0d, 'encrypted_client_hello'],
  // RFC 5746.
  [0xff01, 'renegotiation_info'],
]);

export function extensionName(code: number): string {
  return lookup(EXTENSION_TYPES, code);
}

// --- Alerts (RFC 8446 §6, plus descriptions only older versions define) ---

export const ALERT_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [21, 'decryption_failed'],
  [22, 'record_overflow'],
  [30, 'decompression_failure'],
  [40, 'handshake_failure'],
  [41, 'no_certificate'],
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [52, 'too_many_cids_requested'],
  [60, 'export_restriction'],
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [100, 'no_renegotiation'],
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [111, 'certificate_unobtainable'],
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [114, 'bad_certificate_hash_value'],
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [117, 'general_error'],
  [120, 'no_application_protocol'],
  [121, 'ech_required'],
]);

/** Alert description name; an unknown description prints as one hex byte, e.g. '0xc8'. */
export function alertName(description: number): string {
  return ALERT_DESCRIPTIONS.get(description) ?? `0x${description.toString(16).padStart(2, '0')}`;
}

/** Code for an alert name, e.g. 'protocol_version' → 70. */
export function alertCode(name: string): number | undefined {
  for (const [code, n] of ALERT_DESCRIPTIONS) if (n === name) return code;
  return undefined;
}

/** RFC 5246 §7.2: 1 = warning, 2 = fatal (TLS 1.3 ignores the level but still sends it). */
export function alertLevelName(level: number): string {
  if (level === 1) return 'warning';
  if (level === 2) return 'fatal';
  return `level ${level}`;
}

// --- Record content types and handshake types (RFC 8446 §5.1 and §4), for error messages ---

export const CONTENT_TYPES: ReadonlyMap<number, string> = new Map([
  [20, 'change_cipher_spec'],
  [21, 'alert'],
  [22, 'handshake'],
  [23, 'application_data'],
  [24, 'heartbeat'],
  [25, 'tls12_cid'],
]);

export function contentTypeName(type: number): string {
  return CONTENT_TYPES.get(type) ?? 'unknown';
}

export const HANDSHAKE_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'HelloRequest'],
  [1, 'ClientHello'],
  [2, 'ServerHello'],
  [3, 'HelloVerifyRequest'],
  [4, 'NewSessionTicket'],
  [5, 'EndOfEarlyData'],
  [8, 'EncryptedExtensions'],
  [11, 'Certificate'],
  [12, 'ServerKeyExchange'],
  [13, 'CertificateRequest'],
  [14, 'ServerHelloDone'],
  [15, 'CertificateVerify'],
  [16, 'ClientKeyExchange'],
  [20, 'Finished'],
  [24, 'KeyUpdate'],
  [254, 'MessageHash'],
]);

export function handshakeTypeName(type: number): string {
  return HANDSHAKE_TYPES.get(type) ?? 'unknown';
}

// --- SSLv2 cipher kinds (SSL 2.0 draft, appendix C): 3-byte codes in an SSLv2-compatible hello ---

export const SSL2_CIPHER_KINDS: ReadonlyMap<number, string> = new Map([
  [0x010080, 'SSL_CK_RC4_128_WITH_MD5'],
  [0x020080, 'SSL_CK_RC4_128_EXPORT40_WITH_MD5'],
  [0x030080, 'SSL_CK_RC2_128_CBC_WITH_MD5'],
  [0x040080, 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5'],
  [0x050080, 'SSL_CK_IDEA_128_CBC_WITH_MD5'],
  [0x060040, 'SSL_CK_DES_64_CBC_WITH_MD5'],
  [0x0700c0, 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5'],
]);

/** SSLv2 cipher kind name, or `0x07,0x00,0xC0` notation when unknown. */
export function ssl2CipherKindName(code: number): string {
  const known = SSL2_CIPHER_KINDS.get(code);
  if (known !== undefined) return known;
  const byte = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return `${byte((code >> 16) & 0xff)},${byte((code >> 8) & 0xff)},${byte(code & 0xff)}`;
}
