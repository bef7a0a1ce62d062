/**
 * OpenSSL 3's own error strings, as a program linked against Debian 12's libssl logs them (Postfix's
 * "TLS library problem: error:0A0000C1:SSL routines::no shared cipher:../ssl/statem/statem_srvr.c:2226:").
 * Node keeps only the reason (ERR_SSL_NO_SHARED_CIPHER, "no shared cipher"); the packed code is the
 * SSL library (20, shifted: 0x0A000000) with the reason number from OpenSSL 3.0's sslerr.h, checked
 * with `openssl errstr`.
 */
const REASONS: Readonly<Record<string, number>> = {
  'certificate verify failed': 134,
  'http request': 156,
  'no shared cipher': 193,
  'packet length too long': 198,
  'unknown protocol': 252,
  'unsupported protocol': 258,
  'wrong version number': 267,
  'unexpected eof while reading': 294,
  'inappropriate fallback': 373,
  'no shared signature algorithms': 376,
  'dh key too small': 394,
  'version too low': 396,
  'no shared groups': 410,
  'sslv3 alert unexpected message': 1010,
  'sslv3 alert bad record mac': 1020,
  'tlsv1 alert record overflow': 1022,
  'sslv3 alert handshake failure': 1040,
  'sslv3 alert bad certificate': 1042,
  'sslv3 alert certificate expired': 1045,
  'sslv3 alert certificate unknown': 1046,
  'sslv3 alert illegal parameter': 1047,
  'tlsv1 alert unknown ca': 1048,
  'tlsv1 alert access denied': 1049,
  'tlsv1 alert decode error': 1050,
  'tlsv1 alert decrypt error': 1051,
  'tlsv1 alert protocol version': 1070,
  'tlsv1 alert insufficient security': 1071,
  'tlsv1 alert internal error': 1080,
  'tlsv1 alert inappropriate fallback': 1086,
  'tlsv13 alert certificate required': 1116,
};

/**
 * Where Debian's libssl 3.0 raises a reason (file:line, as it prints them), for the reasons seen from
 * a real Postfix 3.7.11; others are printed without a location.
 */
const LOCATIONS: Readonly<Record<string, string>> = {
  'server:no shared cipher': '../ssl/statem/statem_srvr.c:2226',
};

/**
 * `error:0A0000C1:SSL routines::no shared cipher:../ssl/statem/statem_srvr.c:2226:` for Node's
 * ERR_SSL_NO_SHARED_CIPHER; undefined for a code that is not one of OpenSSL's SSL reasons.
 */
export function openSslErrorString(code: string, message: string, side: 'server' | 'client'): string | undefined {
  const fromCode = code.replace(/^ERR_SSL_/, '').toLowerCase().replace(/_/g, ' ');
  const reason = REASONS[fromCode] !== undefined ? fromCode : REASONS[message.toLowerCase()] !== undefined ? message.toLowerCase() : undefined;
  if (reason === undefined) return undefined;
  const packed = (0x0a000000 + REASONS[reason]!).toString(16).toUpperCase().padStart(8, '0');
  const at = LOCATIONS[`${side}:${reason}`];
  return `error:${packed}:SSL routines::${reason}:${at ? `${at}:` : ''}`;
}
