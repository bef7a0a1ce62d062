/**
 * JA3 (Salesforce, 2017) and JA4 (FoxIO, technical_details/JA4.md) fingerprints of a ClientHello, from
 * the codes exactly as the client sent them. Both leave GREASE values (RFC 8701) out everywhere.
 *
 * - JA3: `version,ciphers,extensions,groups,point_formats`, decimal codes joined with `-` in the order
 *   sent, and its MD5. A client that shuffles its extensions (Chrome since v110, by design) has a new
 *   JA3 on every connection.
 * - JA4: `t` + version + `d|i` (SNI or not) + cipher count + extension count + ALPN first/last
 *   characters, `_`, SHA-256/12 of the sorted cipher codes, `_`, SHA-256/12 of the sorted extension
 *   codes (SNI and ALPN left out) `_` the signature algorithms in the order sent. Sorting makes it
 *   stable under extension shuffling; that is why client labels are matched on JA4 (known-clients.ts).
 */
import { createHash } from 'node:crypto';
import { isGrease } from './cipher-suites.js';

/** What the fingerprints read from a hello: raw codes in the order sent, GREASE included. */
export interface HelloCodes {
  /** legacy_version / client_version. */
  readonly legacyVersion: number;
  readonly ciphers: readonly number[];
  readonly extensions: readonly number[];
  readonly groups?: readonly number[];
  readonly pointFormats?: readonly number[];
  readonly signatureAlgorithms?: readonly number[];
  readonly supportedVersions?: readonly number[];
  /** ALPN protocol names as sent (latin1). */
  readonly alpn?: readonly string[];
}

export interface Fingerprints {
  /** The JA3 string, e.g. `771,4866-4867-…,0-11-10-…,29-23-30,0-1-2`. */
  readonly ja3: string;
  /** MD5 of the JA3 string, lower-case hex. */
  readonly ja3Hash: string;
  /** e.g. `t13i311000_e8f1e7e78f70_d41ae481755e`. */
  readonly ja4: string;
  /** JA4_r: the same with the sorted lists written out instead of hashed. */
  readonly ja4r: string;
}

const clean = (codes: readonly number[] | undefined): number[] => (codes ?? []).filter((c) => !isGrease(c));
const hex4 = (code: number): string => code.toString(16).padStart(4, '0');
const sha12 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);
const count2 = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');

export function fingerprints(h: HelloCodes): Fingerprints {
  const ciphers = clean(h.ciphers);
  const extensions = clean(h.extensions);
  const ja3 = [
    String(h.legacyVersion),
    ciphers.join('-'),
    extensions.join('-'),
    clean(h.groups).join('-'),
    (h.pointFormats ?? []).join('-'),
  ].join(',');

  const a = `t${ja4Version(h)}${extensions.includes(0x0000) ? 'd' : 'i'}${count2(ciphers.length)}${count2(extensions.length)}${ja4Alpn(h.alpn)}`;
  const sortedCiphers = ciphers.map(hex4).sort().join(',');
  const sortedExtensions = extensions.filter((e) => e !== 0x0000 && e !== 0x0010).map(hex4).sort().join(',');
  const schemes = clean(h.signatureAlgorithms).map(hex4).join(',');
  const c = schemes ? `${sortedExtensions}_${schemes}` : sortedExtensions;
  const b = ciphers.length ? sha12(sortedCiphers) : '000000000000';
  const cHash = sortedExtensions ? sha12(c) : '000000000000';
  return {
    ja3,
    ja3Hash: createHash('md5').update(ja3).digest('hex'),
    ja4: `${a}_${b}_${cHash}`,
    ja4r: `${a}_${sortedCiphers}_${c}`,
  };
}

const JA4_VERSIONS: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2', 0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

/** The highest supported_versions value when the extension is there, else legacy_version. */
function ja4Version(h: HelloCodes): string {
  const versions = clean(h.supportedVersions);
  const v = h.supportedVersions !== undefined && versions.length ? Math.max(...versions) : h.legacyVersion;
  return JA4_VERSIONS[v] ?? '00';
}

const alnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** First and last character of the first ALPN value; its hex form's first and last when either byte is not alphanumeric. */
function ja4Alpn(alpn: readonly string[] | undefined): string {
  const first = alpn?.[0];
  if (!first) return '00';
  const bytes = Buffer.from(first, 'latin1');
  const head = bytes[0]!;
  const tail = bytes[bytes.length - 1]!;
  if (alnum(head) && alnum(tail)) return String.fromCharCode(head) + String.fromCharCode(tail);
  const hex = bytes.toString('hex');
  return hex[0]! + hex[hex.length - 1]!;
}
