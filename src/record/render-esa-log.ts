import type { SessionRecord } from '../model/session-record.js';

/**
 * Cisco Secure Email Gateway (ESA, AsyncOS) text mail logs (`mail_logs`), in the format of Cisco's
 * tech notes "Determine if TLS is used for delivery or receiving on the ESA"
 * (https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118500-technote-esa-00.html)
 * and "ESA message disposition determination" (…/118232-technote-esa-00.html):
 *
 *   Wed Jul 20 19:47:40 2005 Info: New SMTP ICID 282204970 interface Management (10.10.10.1) address 192.168.1.1 reverse dns host unknown verified no
 *   Wed Jul 20 19:47:40 2005 Info: ICID 282204970 ACCEPT SG None match SBRS None
 *   Wed Jul 20 19:47:40 2005 Info: ICID 282204970 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES128-GCM-SHA256
 *   Wed Jul 20 19:47:40 2005 Info: Start MID 200257070 ICID 282204970
 *   Mon Apr 17 19:57:20 2003 Info: MID 6 ICID 5 From: <sender@remotehost.com>
 *   Mon Apr 17 19:58:06 2003 Info: MID 6 ICID 5 RID 0 To: <mary@yourdomain.com>
 *   Mon Apr 17 19:59:52 2003 Info: MID 6 ready 100 bytes from <sender@remotehost.com>
 *   Mon Apr 17 19:59:59 2003 Info: ICID 5 close
 *
 * Current AsyncOS names protocol and cipher on the TLS success line; a failure reads `ICID n TLS
 * failed: <OpenSSL's reason>`. Delivery connections (mxlab as the sender) use DCID and `New SMTP
 * DCID n interface … address …`.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Wed Jul 20 19:47:40 2005` (ctime, UTC). */
function ctime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

const hash = (id: string, seed: number): number => Math.abs([...id].reduce((h, c) => (h * 33 + c.charCodeAt(0)) | 0, seed));
const ip = (a: string): string => a.replace(/^::ffff:/, '');

/** ICID (incoming) or DCID (delivery) and its number, stable per session. */
function connectionId(r: SessionRecord): string {
  return `${r.role !== 'client' ? 'ICID' : 'DCID'} ${hash(r.id, 5381) % 1000000}`;
}

/** The TLS line: `ICID n TLS success protocol … cipher …`, `ICID n TLS failed: …`, or the connection without TLS. */
export function esaLog(r: SessionRecord): string {
  const id = connectionId(r);
  if (r.version && r.cipher) return `${id} TLS success protocol ${r.version} cipher ${r.cipher.openssl}`;
  if (r.result === 'handshake-failed') return `${id} TLS failed: ${r.error?.message ?? 'handshake failed'}`;
  return `${id} ${r.result === 'refused' ? 'rejected' : 'completed'} without TLS`;
}

/** The whole session as mail_logs lines. */
export function esaMailLog(r: SessionRecord): string[] {
  const id = connectionId(r);
  const out: string[] = [];
  const log = (iso: string, text: string): void => void out.push(`${ctime(iso)} Info: ${text}`);
  const incoming = r.role !== 'client';
  log(r.timings.start, incoming
    ? `New SMTP ${id} interface Management (${ip(r.local.address)}) address ${ip(r.remote.address)} reverse dns host unknown verified no`
    : `New SMTP ${id} interface ${ip(r.local.address)} address ${ip(r.remote.address)} port ${r.remote.port}`);
  if (incoming) log(r.timings.start, `${id} ACCEPT SG None match SBRS None`);
  if ((r.version && r.cipher) || r.result === 'handshake-failed') log(r.version ? r.timings.start : r.timings.end, esaLog(r));
  const mid0 = hash(r.id, 7919) % 1000000;
  r.messages.forEach((m, i) => {
    const mid = mid0 + i;
    if (incoming) {
      log(r.timings.end, `Start MID ${mid} ${id}`);
      log(r.timings.end, `MID ${mid} ${id} From: <${m.from}>`);
      m.to.forEach((to, rid) => log(r.timings.end, `MID ${mid} ${id} RID ${rid} To: <${to}>`));
      log(r.timings.end, `MID ${mid} ready ${m.size} bytes from <${m.from}>`);
    } else {
      log(r.timings.end, `Delivery start ${id} MID ${mid} to RID [${m.to.map((_, rid) => rid).join(', ')}]`);
      log(r.timings.end, `Message done ${id} MID ${mid} to RID [${m.to.map((_, rid) => rid).join(', ')}]`);
    }
  });
  log(r.timings.end, `${id} close`);
  return out;
}
