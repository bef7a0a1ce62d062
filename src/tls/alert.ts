/**
 * Plaintext TLS alert records (RFC 8446 §6, RFC 5246 §7.2), written by hand because the peers that send
 * them answer before any OpenSSL state exists: a version-intolerant server that refuses a ClientHello
 * with `15 03 01 00 02 02 46` (fatal protocol_version) is the typical case.
 */
import { alertLevelName, alertName, contentTypeName, hex16, versionName } from './registry.js';

const ALERT = 21;

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
  const version = opts.version ?? 0x0301;
  const level = opts.level ?? 2;
  return Buffer.from([ALERT, (version >> 8) & 0xff, version & 0xff, 0x00, 0x02, level, description & 0xff]);
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

/**
 * Reads one plaintext alert record from the start of buf. Only an unencrypted 2-byte alert is
 * understood: after the handshake alerts are encrypted and their record length is larger.
 */
export function parseAlert(buf: Buffer): AlertParse {
  if (buf.length === 0) return { status: 'incomplete' };
  if (buf[0] !== ALERT) {
    return { status: 'invalid', reason: `record type ${buf[0]} (${contentTypeName(buf[0]!)}), want 21 (alert)` };
  }
  if (buf.length < 5) return { status: 'incomplete' };
  const version = buf.readUInt16BE(1);
  if (version >> 8 !== 3) return { status: 'invalid', reason: `record version ${hex16(version)}, want 0x03xx` };
  const length = buf.readUInt16BE(3);
  if (length !== 2) {
    return { status: 'invalid', reason: `alert record length ${length}, want 2 (an encrypted alert cannot be read)` };
  }
  if (buf.length < 7) return { status: 'incomplete' };
  const level = buf[5]!;
  const description = buf[6]!;
  return {
    status: 'ok',
    consumed: 7,
    alert: { version: versionName(version), level, levelName: alertLevelName(level), description, name: alertName(description) },
  };
}
