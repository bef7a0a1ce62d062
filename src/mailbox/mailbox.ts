import { readFile } from 'node:fs/promises';
import type { EventBus } from '../events/event-bus.js';

/** One message as the IMAP and POP3 servers see it. */
export interface MailboxMessage {
  /** IMAP UID: 1, 2, … in the order the receivers accepted the messages (never reused). */
  readonly uid: number;
  /** The receiver's queue id: the POP3 UIDL and the .eml file name. */
  readonly id: string;
  readonly file: string;
  /** Bytes of the stored message, Received header included: RFC822.SIZE, the LIST size. */
  readonly size: number;
  /** When it was accepted: IMAP INTERNALDATE. */
  readonly received: Date;
  /** IMAP system flags set on it (\Seen after a FETCH of BODY[] in a read-write SELECT). */
  readonly flags: Set<string>;
}

/**
 * The lab's one mailbox: every message a fake SMTP receiver of the lab accepted (each `message`
 * event that carries a stored file), as stored, Received header included. One lab receives over
 * SMTP and serves the same messages over IMAP and POP3, whatever the recipient: there is one
 * mailbox, INBOX, and any login sees it.
 *
 * A POP3 DELE (and QUIT) takes a message out of the mailbox for later sessions; its .eml file stays
 * in the run folder, which is the lab's evidence.
 */
export class Mailbox {
  /** IMAP UIDVALIDITY: the lab's start in seconds, so a new lab invalidates a client's cached UIDs. */
  readonly uidValidity: number;
  readonly #messages: MailboxMessage[] = [];
  readonly #unsubscribe: () => void;
  #nextUid = 1;

  constructor(bus: EventBus) {
    this.uidValidity = Math.floor(Date.now() / 1000);
    this.#unsubscribe = bus.on('message', (e) => {
      if (!e.file) return;
      this.#messages.push({ uid: this.#nextUid++, id: e.id, file: e.file, size: e.size, received: new Date(), flags: new Set() });
    });
  }

  /** The messages now in the mailbox, oldest first (a session takes this as its snapshot). */
  list(): readonly MailboxMessage[] {
    return [...this.#messages];
  }

  /** The UID the next message will get (IMAP UIDNEXT). */
  get uidNext(): number {
    return this.#nextUid;
  }

  /** The stored bytes, exactly as on disk. */
  read(message: MailboxMessage): Promise<Buffer> {
    return readFile(message.file);
  }

  /** Takes messages out (POP3 UPDATE state). */
  remove(uids: ReadonlySet<number>): void {
    for (let i = this.#messages.length - 1; i >= 0; i--) if (uids.has(this.#messages[i]!.uid)) this.#messages.splice(i, 1);
  }

  close(): void {
    this.#unsubscribe();
  }
}
