import type tls from 'node:tls';
import type { SessionEventBody } from '../events/events.js';
import type { CertificateVerdict } from '../model/session-record.js';
import { cipherInfo } from '../tls/describe-session.js';
import { clientKeyExchange } from '../tls/key-exchange.js';
import { certificateVerdict, peerChain } from '../tls/verify-peer.js';
import type { SendPlan } from './send-spec.js';

/** A client peer's account of a finished handshake: the tls-established event and its verdict on the chain. */
export interface ClientTls {
  readonly version: string;
  /** OpenSSL name of the negotiated cipher. */
  readonly cipher: string;
  readonly established: Extract<SessionEventBody, { type: 'tls-established' }>;
  readonly verdict: CertificateVerdict;
}

/**
 * What the sending MTA and the IMAP/POP3 probes say about a handshake they finished as the client:
 * the group and sizes as OpenSSL reports them (exact on this side), the server's chain, and mxlab's own
 * verdict on it under the plan's policy (the socket was made with verification off).
 */
export function describeClientTls(socket: tls.TLSSocket, plan: SendPlan): ClientTls {
  const version = socket.getProtocol() ?? 'unknown';
  const cipher = cipherInfo(socket);
  const { summaries, leaf } = peerChain(socket);
  return {
    version,
    cipher: cipher.openssl,
    established: {
      type: 'tls-established', version, cipher,
      keyExchange: clientKeyExchange(version, cipher.iana, socket.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null),
      chain: summaries,
      ...(plan.servername ? { sni: plan.servername } : {}),
    },
    verdict: certificateVerdict({ socket, chain: summaries, ...(leaf ? { leaf } : {}), name: plan.verifyName, trust: plan.trust, required: plan.required }),
  };
}
