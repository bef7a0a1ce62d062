/**
 * Misbehaviours of real peers, one flat documented record in the spirit of BoringSSL's ProtocolBugs:
 * the empty record is a correct peer. Each field's comment names the real system that does this and
 * what goes on the wire. A quirk is read only where the behaviour happens (the TLS layer's hello gate
 * or a protocol engine), never by the profile compiler.
 */
export interface Quirks {
  /**
   * HideStartTls: leave STARTTLS out of the EHLO reply although the command still works if sent.
   * Seen on receivers whose certificate binding broke (Exchange with a missing certificate).
   */
  readonly hideStartTls?: boolean;
  /**
   * RefuseStartTls: answer STARTTLS with `454 4.7.0 TLS not available due to local problem` (Postfix's
   * wording when its key cannot be read).
   */
  readonly refuseStartTls?: boolean;
}
