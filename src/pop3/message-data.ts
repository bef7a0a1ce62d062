/**
 * A message as a POP3 multi-line response carries it (RFC 1939 §3): every line that starts with "."
 * gets one more, the data ends with CRLF, and the caller adds the terminating ".". A client that
 * removes the stuffing gets the stored bytes back exactly.
 */
export function dotStuff(message: Buffer): Buffer {
  const dot = Buffer.from('.');
  const out: Buffer[] = [];
  if (message[0] === 0x2e) out.push(dot);
  let start = 0;
  for (let lf = message.indexOf('\n.'); lf >= 0; lf = message.indexOf('\n.', lf + 1)) {
    out.push(message.subarray(start, lf + 1), dot);
    start = lf + 1;
  }
  out.push(message.subarray(start));
  // A message that does not end with a line ending cannot be told apart from the terminator otherwise.
  if (message.length && message[message.length - 1] !== 0x0a) out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** TOP (RFC 1939 §7): the header, the blank line, and the first `lines` lines of the body. */
export function topOf(message: Buffer, lines: number): Buffer {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : message.length;
  let pos = end;
  for (let n = 0; n < lines && pos < message.length; n++) {
    const next = message.indexOf(0x0a, pos);
    pos = next < 0 ? message.length : next + 1;
  }
  return message.subarray(0, pos);
}
