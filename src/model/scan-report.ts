/** What `mxlab scan` found: the JSON shape of `--json` and of the scan's record. */
import type { CertificateSummary } from './session-record.js';

export type SuiteRating = 'insecure' | 'weak' | 'ok';

export interface ScannedSuite {
  readonly code: number;
  /** `0xC0,0x2F` */
  readonly hex: string;
  readonly iana: string;
  readonly openssl?: string;
  /** Key exchange and, where the server showed it, its size: 'ECDHE X25519', 'DHE 2048', 'RSA'. */
  readonly kx: string;
  readonly bits: number;
  readonly rating: SuiteRating;
  /** Why it is rated so: 'RC4', 'export', 'anonymous', 'no forward secrecy' … */
  readonly why?: string;
}

export interface ScannedVersion {
  /** 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3' */
  readonly version: string;
  readonly supported: boolean;
  /** What the server did with a hello offering exactly this version, when it did not accept it. */
  readonly refusal?: string;
  readonly suites: readonly ScannedSuite[];
  /** The server picks by its own order (true), by the client's (false); undefined with < 2 suites. */
  readonly serverOrder?: boolean;
  /** The server's order of the accepted suites (IANA names), when it enforces one. */
  readonly order?: readonly string[];
}

export interface IntoleranceFinding {
  /** 'version', 'tls13', 'hello-size', 'fallback-scsv' */
  readonly test: string;
  /** true = the server mishandled the hello (or, for fallback-scsv, does not honour RFC 7507). */
  readonly failed: boolean;
  /** answered, alert <name>, close, reset, silence, invalid: … */
  readonly reaction: string;
  /** The hello that failed: version offered, suites, length. */
  readonly hello: string;
  readonly detail: string;
}

export interface ChainVerdict {
  readonly trust: 'system' | 'ca-file';
  readonly chainValid: boolean;
  readonly reason?: string;
  readonly name: string;
  readonly nameValid: boolean;
  readonly expired: boolean;
  readonly summary: string;
}

export interface Anomaly {
  readonly what: string;
  readonly detail: string;
}

export interface ScanReport {
  readonly target: { readonly protocol: string; readonly host: string; readonly port: number; readonly sni?: string };
  /** The target could not be scanned at all (refused, no STARTTLS, 421, silent, garbage): the finding. */
  readonly unreachable?: { readonly failure: string; readonly detail: string };
  /** No version answered any hello (but the dialogue worked). */
  readonly noTls?: boolean;
  readonly versions: readonly ScannedVersion[];
  /** Named groups the server accepts (TLS 1.3 key shares, else ECDHE curves in TLS ≤ 1.2). */
  readonly groups: readonly string[];
  /** Size of the DHE prime in bits, when a DHE suite is accepted. */
  readonly dhBits?: number;
  readonly chain: readonly CertificateSummary[];
  readonly verdict?: ChainVerdict;
  readonly intolerance: readonly IntoleranceFinding[];
  readonly anomalies: readonly Anomaly[];
  /** Suites in the registry the scan offered. */
  readonly suitesTested: number;
  readonly connections: number;
  readonly timings: { readonly totalMs: number };
}
