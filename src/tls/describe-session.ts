import type { TLSSocket } from 'node:tls';
import { describeCertificate } from '../certs/describe.js';
import type { CertificateSummary, CipherInfo } from '../model/session-record.js';
import { suiteByIana, suiteByOpenssl } from './cipher-suites.js';

/** Negotiated suite with both names and its key bits, from a finished TLSSocket. */
export function cipherInfo(socket: TLSSocket): CipherInfo {
  const c = socket.getCipher();
  const iana = c.standardName ?? c.name;
  const suite = suiteByIana(iana) ?? suiteByOpenssl(c.name);
  return { openssl: c.name, iana, bits: suite?.bits ?? 0 };
}

/** Splits concatenated PEM certificates. */
export function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Summaries of a PEM chain, leaf first. */
export function describeChain(pem: string): CertificateSummary[] {
  return splitPem(pem).map((c) => describeCertificate(c));
}
