import { TLS_VERSIONS, type TlsVersion } from '../profiles/profile.js';
import type { SessionRecord } from '../model/session-record.js';
import type { DeliveryVerdict } from '../model/delivery.js';
import { describeScanChecks } from './scan-expectations.js';
import { CHECK_FIELDS, type CapabilityCheck, type Checks, type Expectation, type StringOrList } from './scenario.js';

/** One check that did not hold: what the record has and what the scenario wants. */
export interface Mismatch {
  readonly field: string;
  readonly got: string;
  readonly want: string;
}

const list = (v: StringOrList): readonly string[] => (typeof v === 'string' ? [v] : v);
const oneOf = (v: StringOrList): string => (typeof v === 'string' ? v : `one of ${v.join(', ')}`);
const FAILED = new Set(['refused', 'handshake-failed', 'error']);
const rank = (v: string | undefined): number => TLS_VERSIONS.indexOf(v as TlsVersion);
const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

function capabilityMismatches(field: string, have: readonly string[] | undefined, want: CapabilityCheck): Mismatch[] {
  const words = (have ?? []).map((c) => c.toUpperCase());
  // A capability matches in full (`AUTH=PLAIN`) or by keyword (`SASL` of `SASL PLAIN`).
  const has = (c: string): boolean => words.some((w) => w === c.toUpperCase() || w.split(/[ =]/)[0] === c.toUpperCase());
  const got = have ? `[${have.join(' ')}]` : 'none recorded';
  const out: Mismatch[] = [];
  for (const c of want.includes ?? []) if (!has(c)) out.push({ field, got, want: `includes ${c}` });
  for (const c of want.excludes ?? []) if (has(c)) out.push({ field, got, want: `excludes ${c}` });
  return out;
}

/** The checks that fail on `r` (empty: all hold). Only fields the checks give are looked at; `delivery` is the verdict `r` belongs to. */
export function mismatches(c: Checks, r: SessionRecord, delivery?: DeliveryVerdict): Mismatch[] {
  const out: Mismatch[] = [];
  const eq = (field: string, got: unknown, want: unknown): void => {
    if (got !== want) out.push({ field, got: got === undefined ? 'unset' : String(got), want: String(want) });
  };
  for (const field of CHECK_FIELDS) {
    const want = c[field];
    if (want === undefined) continue;
    switch (field) {
      case 'result':
        if (!list(c.result!).includes(r.result)) out.push({ field, got: r.result, want: oneOf(c.result!) });
        break;
      case 'version': {
        const v = c.version!;
        const got = r.version ?? 'none';
        if (typeof v === 'string') eq(field, got, v);
        else {
          if (v.atLeast && !(rank(r.version) >= rank(v.atLeast))) out.push({ field, got, want: `at least ${v.atLeast}` });
          if (v.atMost && !(rank(r.version) >= 0 && rank(r.version) <= rank(v.atMost))) out.push({ field, got, want: `at most ${v.atMost}` });
        }
        break;
      }
      case 'cipher':
        if (!list(c.cipher!).some((n) => n === r.cipher?.openssl || n === r.cipher?.iana)) out.push({ field, got: r.cipher ? `${r.cipher.openssl} (${r.cipher.iana})` : 'none', want: oneOf(c.cipher!) });
        break;
      case 'kx': eq(field, r.keyExchange?.type ?? 'none', c.kx); break;
      case 'chainValid': eq(field, r.verification?.chainValid, c.chainValid); break;
      case 'nameValid': eq(field, r.verification?.nameValid, c.nameValid); break;
      case 'verified': eq(field, r.verification?.passed, c.verified); break;
      case 'chainReason': {
        const got = [r.verification?.chainCode, r.verification?.chainReason].filter(Boolean).join(': ');
        if (!lower(got).includes(lower(c.chainReason))) out.push({ field, got: got || 'none', want: `contains "${c.chainReason}"` });
        break;
      }
      case 'reply':
        if (!list(c.reply!).some((p) => (r.reply ?? '').startsWith(p))) out.push({ field, got: r.reply ?? 'none', want: `starts with ${oneOf(c.reply!)}` });
        break;
      case 'replyClass':
        if ((r.reply ?? '')[0] !== c.replyClass![0]) out.push({ field, got: r.reply ?? 'none', want: c.replyClass! });
        break;
      case 'downgraded': eq(field, r.result === 'downgraded', c.downgraded); break;
      case 'startTlsOffered': eq(field, r.startTlsOffered, c.startTlsOffered); break;
      case 'startTlsAttempted': eq(field, r.startTlsAttempted, c.startTlsAttempted); break;
      case 'loginBeforeTls': eq(field, r.loginBeforeTls, c.loginBeforeTls); break;
      case 'messages': eq(field, r.messages.length, c.messages); break;
      case 'tlsMode': eq(field, r.tlsMode, c.tlsMode); break;
      case 'imitated': eq(field, r.imitated !== undefined, c.imitated); break;
      case 'delivery':
        if (!delivery) out.push({ field, got: 'no delivery verdict (not an SMTP receiver session, or its window was not over)', want: oneOf(c.delivery!) });
        else if (!list(c.delivery!).includes(delivery.verdict)) out.push({ field, got: `${delivery.verdict}: ${delivery.summary} [${delivery.sessions.join(', ')}]`, want: oneOf(c.delivery!) });
        break;
      case 'reason':
        if (!lower(r.reason).includes(lower(c.reason))) out.push({ field, got: r.reason ?? 'none', want: `contains "${c.reason}"` });
        break;
      case 'capabilities': {
        const before = r.capabilities?.beforeTls ?? r.ehlo?.beforeTls;
        const after = r.capabilities?.afterTls ?? r.ehlo?.afterTls;
        if (c.capabilities!.beforeTls) out.push(...capabilityMismatches('capabilities.beforeTls', before, c.capabilities!.beforeTls));
        if (c.capabilities!.afterTls) out.push(...capabilityMismatches('capabilities.afterTls', after, c.capabilities!.afterTls));
        break;
      }
      case 'interception': {
        const got = r.interception as Readonly<Record<string, unknown>> | undefined;
        for (const [k, v] of Object.entries(c.interception!)) {
          if (!got) out.push({ field: `interception.${k}`, got: 'no interception recorded (not a proxy record)', want: String(v) });
          else eq(`interception.${k}`, got[k], v);
        }
        break;
      }
      case 'clientHello': {
        const h = r.clientHello;
        const w = c.clientHello!;
        if (!h) {
          out.push({ field, got: 'no ClientHello recorded', want: JSON.stringify(w) });
          break;
        }
        const suites = h.ciphers.map((x) => x.name).filter((n) => n.includes('_WITH_'));
        if (w.offersTls13 !== undefined) eq('clientHello.offersTls13', h.offeredVersions.includes('TLSv1.3'), w.offersTls13);
        if (w.onlyEcdhe !== undefined) {
          const other = suites.filter((n) => !n.startsWith('TLS_ECDHE_'));
          if ((other.length === 0) !== w.onlyEcdhe) out.push({ field: 'clientHello.onlyEcdhe', got: other.length ? `also ${other.slice(0, 3).join(', ')}${other.length > 3 ? ' …' : ''}` : 'only ECDHE suites', want: String(w.onlyEcdhe) });
        }
        if (w.offersDhe !== undefined) eq('clientHello.offersDhe', suites.some((n) => n.startsWith('TLS_DHE_')), w.offersDhe);
        if (w.maxVersion !== undefined) eq('clientHello.maxVersion', h.maxVersion, w.maxVersion);
        if (w.offersCipher !== undefined) eq(`clientHello.offersCipher`, h.ciphers.some((x) => x.name === w.offersCipher), true);
        break;
      }
    }
  }
  return out;
}

/** Everything that says why a session failed, for `expectedError`. */
function errorText(r: SessionRecord): string {
  return [
    r.error?.code, r.error?.message, r.error?.alert?.name, r.reason, r.reply,
    ...(r.attempts ?? []).flatMap((a) => [a.errorCode, a.reason]),
  ].filter(Boolean).join('\n');
}

/**
 * Judges one expectation on its record. shouldFail follows BoringSSL's runner: the session must fail,
 * a success is an unexpected pass; anyOf follows tlsfuzzer: at least one alternative must hold.
 */
export function judge(e: Expectation, r: SessionRecord, delivery?: DeliveryVerdict): Mismatch[] {
  const out = mismatches(e, r, delivery);
  if (e.shouldFail) {
    if (!FAILED.has(r.result)) out.unshift({ field: 'shouldFail', got: `unexpected pass: result ${r.result}`, want: 'a failed session (refused, handshake-failed, error)' });
    else if (e.expectedError !== undefined && !list(e.expectedError).some((x) => lower(errorText(r)).includes(lower(x)))) {
      out.push({ field: 'expectedError', got: r.error?.code ?? r.reason ?? r.error?.message ?? 'no error recorded', want: `an error containing ${oneOf(e.expectedError)}` });
    }
  }
  if (e.anyOf) {
    const tries = e.anyOf.map((alt) => mismatches(alt, r, delivery));
    if (!tries.some((m) => m.length === 0)) {
      out.push({
        field: 'anyOf',
        got: tries.map((m) => m.map((x) => `${x.field}=${x.got}`).join(', ')).join(' | '),
        want: e.anyOf.map((alt) => JSON.stringify(alt)).join(' or '),
      });
    }
  }
  return out;
}

/** The record fields a failure report shows (DESIGN: result, version, cipher, kx, reply, reason, error). */
export function keyFields(r: SessionRecord): Record<string, unknown> {
  const f: Record<string, unknown> = {
    id: r.id, peer: r.peer, role: r.role, protocol: r.protocol, tlsMode: r.tlsMode, result: r.result,
    version: r.version, cipher: r.cipher?.openssl, kx: r.keyExchange ? `${r.keyExchange.type}${r.keyExchange.group ? ` ${r.keyExchange.group}` : ''}` : undefined,
    reply: r.reply, reason: r.reason, startTlsOffered: r.startTlsOffered, startTlsAttempted: r.startTlsAttempted,
    error: r.error ? [r.error.code, r.error.alert ? `alert ${r.error.alert.name}` : undefined, r.error.message].filter(Boolean).join(': ') : undefined,
    verification: r.verification?.summary, interception: r.interception?.summary, offered: r.clientHello?.offeredVersions?.join(' '), messages: r.messages.length,
  };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f;
}

/** Default test name: the selector and the checks, e.g. `sender: result=refused shouldFail`. */
export function describeExpectation(e: Expectation): string {
  if (e.name) return e.name;
  const sel = [e.peer, e.role, e.attempt ? `attempt ${e.attempt}` : undefined, e.nth ? `#${e.nth}` : undefined].filter(Boolean).join(' ');
  const parts = CHECK_FIELDS.filter((f) => e[f] !== undefined).map((f) => `${f}=${typeof e[f] === 'object' && !Array.isArray(e[f]) ? JSON.stringify(e[f]) : String(e[f])}`);
  if (e.shouldFail) parts.unshift(`shouldFail${e.expectedError ? ` (${list(e.expectedError).join('|')})` : ''}`);
  if (e.anyOf) parts.push(`anyOf(${e.anyOf.length})`);
  if (e.scan) parts.push(`scan ${describeScanChecks(e.scan)}`);
  return `${sel}: ${parts.join(' ') || 'a record exists'}`;
}
