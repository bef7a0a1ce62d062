/**
 * Plaintext TLS alert records (RFC 8446 §6, RFC 5246 §7.2), written by hand because the peers that send
 * them answer before any OpenSSL state exists: a version-intolerant server that refuses a ClientHello
 * with `15 03 01 00 02 02 46` (fatal protocol_version) is the typical case.
 */
import { CONTENT_TYPE, RecordReader, type TlsRecord, writeRecord } from './record-layer.js';
import { alertLevelName, alertName, versionName } from './registry.js';

export interface AlertOptions {
  /**
   * Record-layer version. TLS 1.0 is what servers use before a version is agreed (RFC 8446 §5.1 allows
   * 0x0301 for an initial ClientHello; servers mirror it in early alerts).
   * @default 0x0301
   */
  readonly version?: number;
  /**
   * 1 = warning, 2 = fatal. TLS 1.3 treats every alert except close_notify and user_canceled as fatal.
   * @default 2
   */
  readonly level?: 1 | 2;
}

/** One alert record: content type 21, version, length 2, level, description. */
export function alertRecord(description: number, opts: AlertOptions = {}): Buffer {
  return writeRecord(CONTENT_TYPE.alert, opts.version ?? 0x0301, Uint8Array.of(opts.level ?? 2, description & 0xff));
}

export interface ParsedAlert {
  /** Record-layer version, e.g. 'TLSv1'. */
  readonly version: string;
  readonly level: number;
  /** 'warning' or 'fatal'. */
  readonly levelName: string;
  readonly description: number;
  /** e.g. 'protocol_version'. */
  readonly name: string;
}

export type AlertParse =
  | { readonly status: 'ok'; readonly alert: ParsedAlert; readonly consumed: number }
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid'; readonly reason: string };

/** Why a plaintext alert record of this length cannot be read, if it cannot. */
function lengthProblem(length: number): string | undefined {
  return length === 2 ? undefined : `alert record length ${length}, want 2 (an encrypted alert cannot be read)`;
}

/**
 * The alert in an alert record already read. Only an unencrypted 2-byte alert is understood: after the
 * handshake alerts are encrypted and their record is longer (RFC 8446 §5.1: one alert per record).
 */
export function alertOfRecord(record: TlsRecord): { readonly alert: ParsedAlert } | { readonly reason: string } {
  const problem = lengthProblem(record.fragment.length);
  if (problem !== undefined) return { reason: problem };
  const level = record.fragment[0]!;
  const description = record.fragment[1]!;
  return { alert: { version: versionName(record.version), level, levelName: alertLevelName(level), description, name: alertName(description) } };
}

/** Reads one plaintext alert record from the start of buf. */
export function parseAlert(buf: Buffer): AlertParse {
  const reader = new RecordReader({ expect: CONTENT_TYPE.alert });
  reader.push(buf);
  const read = reader.next();
  if (read.status === 'invalid') return { status: 'invalid', reason: read.reason };
  if (read.status === 'incomplete') {
    // An alert record is 7 bytes: a header promising another length is refused before the rest arrives.
    const problem = buf.length >= 5 ? lengthProblem(buf.readUInt16BE(3)) : undefined;
    return problem === undefined ? read : { status: 'invalid', reason: problem };
  }
  const parsed = alertOfRecord(read.record);
  if ('reason' in parsed) return { status: 'invalid', reason: parsed.reason };
  return { status: 'ok', alert: parsed.alert, consumed: reader.consumed };
}
