import net from 'node:net';
import t from 'tap';
import { portOf, startTestLab } from '../fixtures/test-lab.js';
import { isUpgrading, missingNodemailerInternals, NODEMAILER_INTERNALS, onTlsSocket, replaceTlsHandshake, SMTPConnection, tlsSocketOf } from '../../src/smtp/nodemailer-adapter.js';
import { missingInternals, SMTP_SERVER_INTERNALS, SmtpEngine } from '../../src/smtp/smtp-server-adapter.js';

/**
 * The canary: every internal of smtp-server and nodemailer that mxlab reaches is named in one adapter
 * file per package, and this test fails — saying which one — when an update takes one away.
 */

t.test('smtp-server: every internal mxlab uses is still there', async (t) => {
  const engine = new SmtpEngine({ disableReverseLookup: true });
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  const socket = await accepted;
  t.teardown(() => {
    client.destroy();
    socket.destroy();
    server.close();
  });
  const conn = engine.attach(socket, 'canary-1');
  t.equal(conn.id, 'canary-1', 'the connection carries mxlab\'s session id');
  const missing = missingInternals(engine.server, conn);
  t.same(missing, [], `smtp-server lacks: ${missing.join(', ') || 'nothing'}`);
  t.equal(typeof engine.server.logger.debug, 'function', 'SMTPServer.logger is replaceable');
  for (const name of Object.keys(SMTP_SERVER_INTERNALS)) {
    const [owner, member] = name.split('.') as [string, string];
    const target: object = owner === 'SMTPServer' ? engine.server : conn;
    t.ok(member in target, `${name} is there (${SMTP_SERVER_INTERNALS[name]})`);
  }
});

t.test('smtp-server: a missing internal is named, never a silent return', async (t) => {
  const engine = new SmtpEngine({});
  const method = (): void => undefined;
  const complete: Record<string, unknown> = {
    _socket: null, _parser: false, _upgrading: false, secure: false, tlsOptions: false, hostNameAppearsAs: false, openingCommand: false, _transactionCounter: 0,
    send: method, connectionReady: method, _sendGreeting: method, handler_STARTTLS: method, handler_MAIL: method, _createParser: method, _onCloseEvent: method, _onClose: method, _onError: method, _armTimeout: method, _resetSession: method,
  };
  t.same(missingInternals(engine.server, complete), [], 'a connection with every member lacks nothing');
  for (const member of Object.keys(complete)) {
    const { [member]: _gone, ...without } = complete;
    t.same(missingInternals(engine.server, without), [`SMTPConnection.${member}`], `without ${member}: named`);
  }
  t.same(missingInternals(engine.server, undefined), ['SMTPServer.connect() adding its connection to SMTPServer.connections'], 'connect() that no longer registers its connection is named');
});

t.test('nodemailer: every internal mxlab uses is still there, seen during a real STARTTLS', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const conn = new SMTPConnection({ host: '127.0.0.1', port: portOf(lab, 'rx'), requireTLS: true, tls: { rejectUnauthorized: false } });
  const missing = missingNodemailerInternals(conn);
  t.same(missing, [], `nodemailer lacks: ${missing.join(', ') || 'nothing'}`);
  const seen = { socket: false, upgrading: false, sameSocket: false };
  onTlsSocket(conn, (socket) => {
    seen.socket = true;
    seen.upgrading = isUpgrading(conn);
    seen.sameSocket = tlsSocketOf(conn) === socket;
  });
  await new Promise<void>((resolve, reject) => {
    conn.once('error', reject);
    conn.connect(() => {
      conn.quit();
      resolve();
    });
  });
  t.ok(seen.socket, 'SMTPConnection._upgradeConnection made the STARTTLS socket (the key log gets it)');
  t.ok(seen.upgrading, 'SMTPConnection.upgrading is true while the handshake runs');
  t.ok(seen.sameSocket, 'SMTPConnection._socket is the TLS socket');
  t.equal(tlsSocketOf(conn)?.getProtocol(), 'TLSv1.3', 'and it is the negotiated one afterwards');
  t.same(Object.keys(NODEMAILER_INTERNALS).sort(), ['SMTPConnection._onSocketData', 'SMTPConnection._socket', 'SMTPConnection._upgradeConnection', 'SMTPConnection.upgrading'], 'every listed internal is checked above');
  const noParser = new SMTPConnection({ host: '127.0.0.1', port: 9 });
  Object.defineProperty(noParser, '_onSocketData', { value: undefined });
  t.same(missingNodemailerInternals(noParser), ['SMTPConnection._onSocketData'], 'a missing SMTP data handler is named');
  t.throws(() => replaceTlsHandshake(noParser, () => Promise.resolve(new Error('x'))), /SMTPConnection._onSocketData/, 'and the legacy sender fails loudly without it');

  const stripped = new SMTPConnection({ host: '127.0.0.1', port: 9 });
  Object.defineProperty(stripped, '_upgradeConnection', { value: undefined });
  t.same(missingNodemailerInternals(stripped), ['SMTPConnection._upgradeConnection'], 'a missing method is named');
  t.throws(() => onTlsSocket(stripped, () => undefined), /nodemailer's internals changed \(mxlab needs: SMTPConnection._upgradeConnection\)/, 'and using it fails loudly');
});
