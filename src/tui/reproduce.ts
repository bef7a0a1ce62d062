import type { SessionRecord } from '../model/session-record.js';

const OPENSSL_VERSION_FLAG: Record<string, string> = { TLSv1: '-tls1', 'TLSv1.1': '-tls1_1', 'TLSv1.2': '-tls1_2', 'TLSv1.3': '-tls1_3' };

const host = (a: string): string => {
  const ip = a.replace(/^::ffff:/, '');
  return ip.includes(':') ? `[${ip}]` : ip;
};

/**
 * Command lines that make the same connection again: for a session an outside client opened, the
 * lab peer's address as target (mxlab probe, openssl s_client with the version and suite seen, swaks);
 * for a session mxlab made, the same send or probe.
 */
export function reproduceCommands(r: SessionRecord): string[] {
  const server = r.role === 'client' ? r.remote : r.local;
  const target = `${host(server.address)}:${server.port}`;
  const implicit = r.tlsMode === 'implicit';
  const version = r.version ?? r.imitated?.version;
  const out: string[] = [];
  if (r.role === 'client' && r.protocol === 'smtp' && !r.peer.startsWith('probe-')) {
    out.push(`mxlab send --to ${target}${implicit ? ' --implicit' : ''} --policy ${r.policy} --profile ${r.profile.split('+')[0]} --rcpt user@example.net`);
  } else {
    out.push(`mxlab probe ${r.protocol} ${target}${implicit ? ' --implicit' : ''} --policy ${r.role === 'client' ? r.policy : 'may'}`);
  }
  const starttls = implicit ? '' : ` -starttls ${r.protocol === 'pop3' ? 'pop3' : r.protocol}`;
  const vflag = version && OPENSSL_VERSION_FLAG[version] ? ` ${OPENSSL_VERSION_FLAG[version]}` : '';
  // Old versions and suites are below OpenSSL 3's default security level.
  const seclevel = version === 'TLSv1' || version === 'TLSv1.1' ? ' -cipher DEFAULT@SECLEVEL=0' : r.cipher && version !== 'TLSv1.3' ? ` -cipher ${r.cipher.openssl}` : '';
  out.push(`openssl s_client -connect ${target}${starttls}${vflag}${seclevel}${r.sni ? ` -servername ${r.sni}` : ''} </dev/null`);
  if (r.protocol === 'smtp') out.push(`swaks --to user@example.net --server ${host(server.address)} --port ${server.port} ${implicit ? '--tls-on-connect' : '--tls'}${version ? ` --tls-protocol ${version.replace('TLSv1', 'tlsv1').replace('.', '_')}` : ''}`);
  return out;
}
