/**
 * What mxlab's sending MTA needs of nodemailer's SMTPConnection beyond its documented API, in one
 * place. Most of it nodemailer declares itself (`_socket`, `upgrading`, `secure`); the one member it
 * does not declare, `_upgradeConnection`, is reached here only, checked at run time, and named by
 * test/smtp/internals-canary.test.ts if it goes away.
 */
import type net from 'node:net';
import tls from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export { SMTPConnection };

/** The members of nodemailer 10.6's SMTPConnection that mxlab reaches, and why. */
export const NODEMAILER_INTERNALS: Readonly<Record<string, string>> = {
  'SMTPConnection._socket': 'the TLS socket after SMTPS or STARTTLS: version, cipher, chain, key exchange',
  'SMTPConnection.upgrading': 'telling a failed STARTTLS handshake from other errors',
  'SMTPConnection._upgradeConnection': 'attaching the key log to the TLS socket nodemailer creates, before any secret exists; replacing the handshake for a legacy sender',
  'SMTPConnection._onSocketData': 'taking the plain socket back from the SMTP parser when a legacy sender writes its own hello',
};

/** nodemailer creates its TLS socket here (SMTPS and STARTTLS alike); not in its type declarations. */
interface UpgradeInternals {
  _upgradeConnection?: (callback: (err?: Error | null, secured?: boolean) => void) => unknown;
  _onSocketData?: (chunk: Buffer) => void;
}

/** The internals a connection lacks, by name (empty when all are there). */
export function missingNodemailerInternals(conn: SMTPConnection): string[] {
  const missing: string[] = [];
  if (!('_socket' in conn)) missing.push('SMTPConnection._socket');
  if (typeof (conn as SMTPConnection & UpgradeInternals)._upgradeConnection !== 'function') missing.push('SMTPConnection._upgradeConnection');
  if (typeof (conn as SMTPConnection & UpgradeInternals)._onSocketData !== 'function') missing.push('SMTPConnection._onSocketData');
  return missing;
}

/** The connection's TLS socket once it has one. */
export function tlsSocketOf(conn: SMTPConnection): tls.TLSSocket | undefined {
  return conn._socket instanceof tls.TLSSocket ? conn._socket : undefined;
}

/** A STARTTLS or SMTPS handshake is running. */
export function isUpgrading(conn: SMTPConnection): boolean {
  return conn.upgrading === true;
}

/**
 * Calls `fn` with every TLS socket nodemailer makes for this connection, right after tls.connect()
 * returns (it has only written the ClientHello: no secret exists yet). Throws, naming it, when
 * nodemailer no longer has the method.
 */
export function onTlsSocket(conn: SMTPConnection, fn: (socket: tls.TLSSocket) => void): void {
  const internals: UpgradeInternals = conn as SMTPConnection & UpgradeInternals;
  const upgrade = internals._upgradeConnection;
  if (typeof upgrade !== 'function') throw Object.assign(new Error("nodemailer's internals changed (mxlab needs: SMTPConnection._upgradeConnection)"), { code: 'ENODEMAILERINTERNALS' });
  internals._upgradeConnection = (callback) => {
    const result = upgrade.call(conn, callback);
    const socket = tlsSocketOf(conn);
    if (socket) fn(socket);
    return result;
  };
}

/**
 * Replaces nodemailer's TLS handshake (after STARTTLS, or at connect on an implicit-TLS port) with
 * `handshake`, which gets the plain socket with nodemailer's SMTP parser detached and resolves with
 * the error nodemailer is to report (a hand-played legacy handshake never yields a usable TLS socket).
 * Throws, naming it, when nodemailer no longer has what this needs.
 */
export function replaceTlsHandshake(conn: SMTPConnection, handshake: (plain: net.Socket) => Promise<Error>): void {
  const internals: UpgradeInternals = conn as SMTPConnection & UpgradeInternals;
  if (typeof internals._upgradeConnection !== 'function' || typeof internals._onSocketData !== 'function') {
    throw Object.assign(new Error("nodemailer's internals changed (mxlab needs: SMTPConnection._upgradeConnection, SMTPConnection._onSocketData)"), { code: 'ENODEMAILERINTERNALS' });
  }
  internals._upgradeConnection = (callback) => {
    const plain = conn._socket as net.Socket;
    plain.removeListener('data', internals._onSocketData!);
    plain.setTimeout(0);
    void handshake(plain).then((err) => callback(err));
  };
}
