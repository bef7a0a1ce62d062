import net from 'node:net';
import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A flood of connections against a limit: the ones over it are told so in the protocol's words and
 * recorded as refused, the ones within it are served, and a real client gets through once the flood
 * is gone. (Before, there was no limit: every connection held a session and a descriptor.)
 */

function hold(port: number): Promise<{ socket: net.Socket; first: Promise<string> }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const first = new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString('latin1'))));
    socket.once('connect', () => resolve({ socket, first }));
  });
}

t.test('50 connections against a limit of 10 per client: 40 get 421 4.7.0 and a refused record', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], limits: { maxPerClient: 10, maxConnections: 20 } }]);
  await lab.addImapServer({ name: 'imap', profile: 'modern', imap: [0], limits: { maxPerClient: 2 } });
  const port = portOf(lab, 'rx');
  const flood = [];
  for (let i = 0; i < 50; i += 1) flood.push(await hold(port));
  const greetings = await Promise.all(flood.map((c) => c.first));
  const served = greetings.filter((g) => /^220 /.test(g)).length;
  const refused = greetings.filter((g) => /^421 4\.7\.0 \S+ Error: too many connections\r\n/.test(g)).length;
  t.equal(served, 10, 'the first 10 are greeted');
  t.equal(refused, 40, 'the other 40 are told 421 4.7.0');
  for (const c of flood) c.socket.destroy();
  for (let i = 0; i < 100 && lab.recordCount < 50; i += 1) await new Promise((r) => setTimeout(r, 20));
  const records = lab.records.filter((r) => r.peer === 'rx');
  t.equal(records.length, 50, 'every connection has a record');
  t.equal(records.filter((r) => r.result === 'refused' && /too many connections from 127\.0\.0\.1 \(10, limit 10 per client\)/.test(r.reply ?? '')).length, 40, 'refused, with the limit in the reply');
  const info = lab.listPeers().find((p) => p.name === 'rx')!;
  t.equal(info.counters.overLimit, 40);
  t.equal(info.counters.acceptErrors, 0);

  const c = await RawSmtp.connect(port);
  t.match((await c.reply())[0], /^220 /, 'after the flood a client is served again');
  await c.quit();

  const imapPort = lab.endpoints().find((e) => e.peer === 'imap')!.listener.port;
  const im = [await hold(imapPort), await hold(imapPort), await hold(imapPort)];
  const lines = await Promise.all(im.map((x) => x.first));
  t.match(lines[2], /^\* BYE \[UNAVAILABLE\] Too many connections/, 'IMAP: * BYE over the limit');
  for (const x of im) x.socket.destroy();
});
