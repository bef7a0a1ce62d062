import { randomBytes } from 'node:crypto';
import type { MessageDraft } from '../client/send-spec.js';

/**
 * The message `mxlab send --body/--subject` sends, built by nodemailer's mail composer: From, To,
 * Subject (RFC 2047 encoded when it is not ASCII), Date, Message-ID, MIME headers and a body in a
 * transfer encoding that survives any receiver.
 */
export async function composeMessage(d: MessageDraft): Promise<Buffer> {
  // Loaded when a message is composed, not with every command (probes and scans never compose).
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: d.from,
    to: [...d.rcpt],
    subject: d.subject.replace(/[\r\n]+/g, ' '),
    text: d.body,
    date: new Date(),
    messageId: `<${randomBytes(8).toString('hex')}@${d.helo}>`,
    headers: { 'X-Mailer': 'mxlab' },
  });
  return composer.compile().build();
}
