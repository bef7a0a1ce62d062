/**
 * SASL PLAIN (RFC 4616) as IMAP AUTHENTICATE and POP3 AUTH carry it, and the lab's credential check.
 * Any user and password are accepted unless the peer was given credentials.
 */

/** user name → password. */
export type Credentials = Readonly<Record<string, string>>;

export type PlainResponse =
  | { readonly ok: true; readonly authzid: string; readonly user: string; readonly password: string }
  | { readonly ok: false; readonly reason: 'base64' | 'format' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (RFC 4648 without line breaks), as SASL wants; `=` alone is the empty response. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text === '=') return Buffer.alloc(0);
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** `authzid NUL authcid NUL passwd`, base64-encoded. */
export function decodePlain(text: string): PlainResponse {
  const bytes = decodeBase64(text.trim());
  if (!bytes) return { ok: false, reason: 'base64' };
  const parts = bytes.toString('utf8').split('\0');
  if (parts.length !== 3 || !parts[1]) return { ok: false, reason: 'format' };
  return { ok: true, authzid: parts[0]!, user: parts[1]!, password: parts[2]! };
}

/** True when the login is accepted: always without credentials, else the pair must match. */
export function checkLogin(credentials: Credentials | undefined, user: string, password: string): boolean {
  if (!credentials) return true;
  return Object.prototype.hasOwnProperty.call(credentials, user) && credentials[user] === password;
}
