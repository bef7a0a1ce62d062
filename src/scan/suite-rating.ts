/**
 * How a scan flags a suite, after the Mozilla server-side TLS guidelines (v5.7) and RFC 7465 (no
 * RC4), RFC 7568 (no SSL 3.0), RFC 9325 §4 (no NULL, export, anonymous, DES, 3DES; prefer forward secrecy and AEAD).
 */
import type { CipherSuite } from '../tls/cipher-suites.js';
import type { SuiteRating } from '../model/scan-report.js';

export function rateSuite(s: CipherSuite): { rating: SuiteRating; why?: string } {
  if (s.enc === 'None' || s.bits === 0) return { rating: 'insecure', why: 'NULL cipher (no encryption)' };
  if (s.export) return { rating: 'insecure', why: 'export-grade' };
  if (s.au === 'None') return { rating: 'insecure', why: 'anonymous (no authentication)' };
  if (s.enc === 'RC4') return { rating: 'insecure', why: 'RC4 (RFC 7465)' };
  if (s.enc === 'DES' || s.bits < 112) return { rating: 'insecure', why: 'DES' };
  if (s.enc === '3DES') return { rating: 'weak', why: '3DES (64-bit block, Sweet32)' };
  if (s.tls13) return { rating: 'ok' };
  if (s.kx === 'RSA' || s.kx === 'DH' || s.kx === 'ECDH' || s.kx === 'PSK' || s.kx === 'RSAPSK') return { rating: 'weak', why: 'no forward secrecy' };
  if (s.mac !== 'AEAD') return { rating: 'weak', why: 'CBC mode' };
  return { rating: 'ok' };
}
