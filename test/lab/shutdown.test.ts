import net from 'node:net';
import t from 'tap';
import { startTestLab } from '../fixtures/test-lab.js';

/**
 * A lab that stops tells the clients still connected, in each protocol's words, before it closes:
 * SMTP `421 4.3.2`, IMAP `* BYE`, POP3 `-ERR`; their records keep the line and say the lab stopped.
 */

function connect(port: number): Promise<{ socket: net.Socket; text: () => string; closed: Promise<void> }> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, text: () => text, closed }));
  });
}

t.test('SMTP, IMAP and POP3 sessions open at stop hear why', async (t) => {
  const lab = await startTestLab(t, [{ name: 'smtp', profile: 'modern', smtp: [0] }]);
  await lab.addImapServer({ name: 'imap', profile: 'modern', imap: [0] });
  await lab.addPop3Server({ name: 'pop3', profile: 'modern', pop3: [0] });
  const clients = await Promise.all(lab.endpoints().map(async (e) => ({ peer: e.peer, c: await connect(e.listener.port) })));
  await new Promise((r) => setTimeout(r, 200));
  await lab.stop();
  const want: Record<string, RegExp> = { smtp: /\r\n421 4\.3\.2 \S+ Service shutting down\r\n$/, imap: /\r\n\* BYE \[UNAVAILABLE\] .*shutting down\r\n$/, pop3: /\r\n-ERR \[SYS\/TEMP\] .*shutting down\r\n$/ };
  for (const { peer, c } of clients) {
    await c.closed;
    t.match(c.text(), want[peer]!, `${peer}: the client heard it`);
    const r = lab.records.find((x) => x.peer === peer)!;
    t.ok(r.transcript.some((l) => l.dir === 'S' && /shutting down/.test(l.line)), `${peer}: the record has the line`);
  }
  t.match(lab.records.find((x) => x.peer === 'imap')!.transcript.at(-1)?.line, /lab stopped/, 'imap: the record says the lab stopped');
});
