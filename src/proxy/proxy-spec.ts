import type { Protocol, StripMode } from '../model/session-record.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

export const STRIP_MODES: readonly StripMode[] = ['capability', 'reply-454', 'corrupt-command', 'none'];
export const PROXY_PROTOCOLS: readonly Protocol[] = ['smtp', 'imap', 'pop3'];

/** One MITM proxy peer (the library form of `mxlab proxy`). */
export interface ProxySpec {
  /** Peer name. @default '<protocol>-proxy' (made unique) */
  readonly name?: string;
  /** The line protocol spoken through the proxy. */
  readonly protocol: Protocol | string;
  /**
   * capability: remove STARTTLS from EHLO / CAPABILITY / CAPA; reply-454: answer the client's STARTTLS
   * itself with a refusal; corrupt-command: mangle the command so the server rejects it; none: observe.
   */
  readonly strip: StripMode | string;
  /** The real server: 'HOST:PORT' ('[::1]:25' for IPv6). */
  readonly upstream: string;
  /** Listen port (0 = OS picks). @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly address?: string;
  /** Time to reach the upstream. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** A session where neither side sends anything for this long is closed. @default 300000 */
  readonly idleTimeoutMs?: number;
}

/** A validated ProxySpec. */
export interface ProxyPlan {
  readonly protocol: Protocol;
  readonly strip: StripMode;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly address: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** 'host:port' or '[v6]:port'; `what` names the flag in the error. */
export function parseHostPort(what: string, value: string, allowZero = false): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]\s]+):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new UsageError(`${what}: got "${value}", want HOST:PORT with a port ${allowZero ? '0' : '1'}-65535 (e.g. 127.0.0.1:25, [::1]:143)`);
  }
  return { host: m[1]!, port };
}

export function parseStripMode(value: string): StripMode {
  if (!(STRIP_MODES as readonly string[]).includes(value)) throw new UsageError(badChoice('--strip', value, STRIP_MODES));
  return value as StripMode;
}

export function parseProxyProtocol(value: string): Protocol {
  if (!(PROXY_PROTOCOLS as readonly string[]).includes(value)) throw new UsageError(badChoice('--protocol', value, PROXY_PROTOCOLS));
  return value as Protocol;
}

/** Checks a spec; bad input is a UsageError naming the field. */
export function planProxy(spec: ProxySpec): ProxyPlan {
  const port = spec.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen: port ${port} is not between 0 and 65535`);
  const positive = (what: string, v: number | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isFinite(v) || v <= 0) throw new UsageError(`${what}: got ${v}, want a positive number of milliseconds`);
    return v;
  };
  return {
    protocol: parseProxyProtocol(spec.protocol),
    strip: parseStripMode(spec.strip),
    upstream: parseHostPort('--upstream', spec.upstream),
    address: spec.address ?? '127.0.0.1',
    port,
    connectTimeoutMs: positive('connectTimeoutMs', spec.connectTimeoutMs, 10000),
    idleTimeoutMs: positive('idleTimeoutMs', spec.idleTimeoutMs, 300000),
  };
}
