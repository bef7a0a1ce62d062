import type { SessionRecord } from '../model/session-record.js';
import { renderDelivery } from './send-report.js';

const field = (name: string, value: string | undefined): string => (value ? `  ${name.padEnd(14)}${value}\n` : '');

/** What `mxlab probe` prints: the send report's evidence plus the IMAP/POP3 capabilities and login verdict. */
export function renderProbe(r: SessionRecord): string {
  let out = `${r.protocol.toUpperCase()} ${renderDelivery(r)}`;
  if (r.tlsMode === 'explicit') out += field('STARTTLS', `${r.startTlsOffered ? 'offered' : 'not offered'}${r.startTlsAttempted ? ', used' : ''}`);
  if (r.capabilities?.beforeTls) out += field('CAPA (plain)', r.capabilities.beforeTls.join(' '));
  if (r.capabilities?.afterTls) out += field('CAPA (TLS)', r.capabilities.afterTls.join(' '));
  if (r.loginBeforeTls !== undefined) out += field('login pre-TLS', r.loginBeforeTls ? 'allowed (passwords could be sent in the clear)' : 'refused until TLS (LOGINDISABLED / no USER)');
  return out;
}
