import { createHash } from 'node:crypto';
import type { CertificateSummary } from '../model/session-record.js';
import { TAG, childrenOf, content, decodeOid, expectChildren, integerBits, readTlv, type Tlv } from './der.js';
import { pemToDer } from './pem.js';

/**
 * Reads a certificate's summary straight from its DER. Node 20's X509Certificate has no signature
 * algorithm, and it throws on certificates OpenSSL dislikes; a peer's certificate can be anything, so
 * each field is read on its own and a field that cannot be read is left empty ('').
 */

const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa_with_SHA1',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

const CURVES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
};

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC = '1.2.840.10045.2.1';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const DNS_NAME = 0x82; // [2] IMPLICIT IA5String
const EXTENSIONS = 0xa3; // [3] EXPLICIT
const VERSION = 0xa0; // [0] EXPLICIT

/** Runs a field reader, turning any failure into the fallback: one bad field must not sink the rest. */
function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function decodeString(buf: Uint8Array, tlv: Tlv): string {
  const bytes = Buffer.from(content(buf, tlv));
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return bytes.toString('utf8');
    case 0x1e: // BMPString: UTF-16BE
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // T61String, in practice Latin-1
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return bytes.toString('latin1');
    default:
      return `#${bytes.toString('hex')}`;
  }
}

/** "O=mxlab, CN=mx.example.com", in DER order like `openssl x509 -noout -subject`. */
function decodeName(buf: Uint8Array, name: Tlv | undefined): string {
  return expectChildren(buf, name, TAG.SEQUENCE)
    .map((rdn) =>
      expectChildren(buf, rdn, TAG.SET)
        .map((attribute) => {
          const [type, value] = expectChildren(buf, attribute, TAG.SEQUENCE);
          const oid = decodeOid(buf, type);
          return `${NAME_ATTRIBUTES[oid] ?? oid}=${value ? decodeString(buf, value) : ''}`;
        })
        .join('+'),
    )
    .join(', ');
}

function decodeTime(buf: Uint8Array, tlv: Tlv | undefined): string {
  if (!tlv) return '';
  const text = Buffer.from(content(buf, tlv)).toString('latin1');
  const match =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text)
      : tlv.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text)
        : null;
  if (!match) return '';
  let year = Number(match[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  const ms = Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0));
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

function describeKey(buf: Uint8Array, spki: Tlv | undefined): string {
  const [algorithm, bits] = expectChildren(buf, spki, TAG.SEQUENCE);
  const [oid, params] = expectChildren(buf, algorithm, TAG.SEQUENCE);
  const type = decodeOid(buf, oid);
  if (type === OID_RSA || type === OID_RSA_PSS) {
    if (!bits || bits.tag !== TAG.BIT_STRING) throw new Error('DER: expected the key BIT STRING');
    // Skip the BIT STRING's unused-bits byte; inside is RSAPublicKey ::= SEQUENCE { n, e }.
    const rsaKey = readTlv(buf, bits.contentStart + 1, bits.end);
    const [modulus] = expectChildren(buf, rsaKey, TAG.SEQUENCE);
    return `${type === OID_RSA ? 'RSA' : 'RSA-PSS'} ${integerBits(buf, modulus)}`;
  }
  if (type === OID_EC) {
    const curve = params && params.tag === TAG.OID ? decodeOid(buf, params) : 'explicit parameters';
    return `EC ${CURVES[curve] ?? curve}`;
  }
  return SIGNATURE_ALGORITHMS[type] ?? (type === '1.2.840.10040.4.1' ? 'DSA' : type);
}

function dnsNamesOf(buf: Uint8Array, extensions: Tlv | undefined): string[] | undefined {
  if (!extensions) return undefined;
  const [list] = childrenOf(buf, extensions);
  for (const extension of expectChildren(buf, list, TAG.SEQUENCE)) {
    const parts = expectChildren(buf, extension, TAG.SEQUENCE);
    if (decodeOid(buf, parts[0]) !== OID_SUBJECT_ALT_NAME) continue;
    const value = parts[parts.length - 1];
    if (!value || value.tag !== TAG.OCTET_STRING) return undefined;
    const names = readTlv(buf, value.contentStart, value.end);
    return expectChildren(buf, names, TAG.SEQUENCE)
      .filter((name) => name.tag === DNS_NAME)
      .map((name) => Buffer.from(content(buf, name)).toString('latin1'));
  }
  return undefined;
}

function toDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input !== 'string') return new Uint8Array(0);
  if (input.includes('-----BEGIN')) return pemToDer(input) ?? new Uint8Array(0);
  return Buffer.from(input.replace(/\s+/g, ''), 'base64'); // bare base64
}

function fingerprint(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return createHash('sha256').update(bytes).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** The outer signatureAlgorithm of a certificate as OpenSSL names it (or the dotted OID); undefined if unreadable. */
export function signatureAlgorithmOf(der: Uint8Array): string | undefined {
  return attempt(() => {
    const [, algorithm] = childrenOf(der, readTlv(der, 0));
    const oid = decodeOid(der, expectChildren(der, algorithm, TAG.SEQUENCE)[0]);
    return SIGNATURE_ALGORITHMS[oid] ?? oid;
  }, undefined);
}

/**
 * Summary of a certificate given as PEM (the first block is used), bare base64, or DER (a Buffer, such
 * as getPeerCertificate().raw). Never throws; unreadable fields are ''.
 */
export function describeCertificate(input: string | Uint8Array): CertificateSummary {
  const der = attempt(() => toDer(input), new Uint8Array(0));
  const cert = attempt(() => readTlv(der, 0), undefined);
  const fields = attempt(() => {
    const [tbs] = expectChildren(der, cert, TAG.SEQUENCE);
    const list = expectChildren(der, tbs, TAG.SEQUENCE);
    // The [0] version is optional (absent in v1 certificates); everything after it is positional.
    return list[0]?.tag === VERSION ? list.slice(1) : list;
  }, []);
  const [, , issuer, validity, subject, spki] = fields;
  const times = attempt(() => expectChildren(der, validity, TAG.SEQUENCE), []);
  const dnsNames = attempt(() => dnsNamesOf(der, fields.find((f) => f.tag === EXTENSIONS)), undefined);
  const summary: CertificateSummary = {
    subject: attempt(() => decodeName(der, subject), ''),
    issuer: attempt(() => decodeName(der, issuer), ''),
    signatureAlgorithm: signatureAlgorithmOf(der) ?? '',
    key: attempt(() => describeKey(der, spki), ''),
    notBefore: attempt(() => decodeTime(der, times[0]), ''),
    notAfter: attempt(() => decodeTime(der, times[1]), ''),
    // Over the certificate's own bytes, so trailing garbage in the input does not change it.
    fingerprint256: fingerprint(cert ? der.subarray(cert.start, cert.end) : der),
  };
  return dnsNames ? { ...summary, dnsNames } : summary;
}
