import type { LineClient } from '../client/line-client.js';
import { startTlsDecision, startTlsRefusal, verdictRefusal } from '../client/probe-policy.js';
import type { SendPlan } from '../client/send-spec.js';

/**
 * `mxlab probe pop3`: what `openssl s_client -starttls pop3` shows, as a session record. Greeting,
 * CAPA, STLS under the client policy, CAPA again over TLS, QUIT. No credentials are ever sent:
 * whether a login would be allowed before TLS is read from CAPA (USER, or a plaintext SASL mechanism).
 */
export async function probePop3(c: LineClient, plan: SendPlan): Promise<void> {
  if (!(await c.connect())) return;
  if (plan.implicit && !(await c.startImplicit())) return;
  const greeting = await c.line();
  if (greeting === undefined) return;
  if (/^-ERR\b/.test(greeting)) return c.error(`the server refused the session: ${greeting}`, 'greeting');
  if (!/^\+OK\b/.test(greeting)) return c.error(`not a POP3 greeting: "${greeting.slice(0, 200)}"`, 'greeting', 'EPROTOCOL');

  /** CAPA (RFC 2449); a server without it (-ERR) has an empty list. */
  const capabilities = async (): Promise<string[] | undefined> => {
    c.send('CAPA');
    const head = await c.line();
    if (head === undefined) return undefined;
    const list: string[] = [];
    if (head.startsWith('+OK')) {
      for (;;) {
        const l = await c.line();
        if (l === undefined) return undefined;
        if (l === '.') break;
        list.push(l.startsWith('..') ? l.slice(1) : l);
      }
    }
    const secure = c.tls !== undefined;
    const plaintextLogin = list.some((x) => /^USER$/i.test(x) || /^SASL\b.*\b(PLAIN|LOGIN)\b/i.test(x));
    c.emit({ type: 'capabilities', secure, capabilities: list, ...(!secure && head.startsWith('+OK') ? { loginAllowed: plaintextLogin } : {}) });
    return list;
  };
  const quit = async (): Promise<void> => {
    c.send('QUIT');
    await c.line();
  };

  const before = await capabilities();
  if (!before) return;
  if (!c.tls) {
    const offered = before.some((x) => x.toUpperCase() === 'STLS');
    c.emit({ type: 'starttls-offered', offered });
    const decision = startTlsDecision(plan, offered, 'STLS');
    if (decision.action === 'refuse') {
      c.emit({ type: 'policy-refused', reply: decision.reason });
      return quit();
    }
    if (decision.action === 'starttls') {
      c.send('STLS');
      const r = await c.line();
      if (r === undefined) return;
      if (r.startsWith('+OK')) {
        if (!(await c.startTls())) return;
        if (!(await capabilities())) return;
      } else {
        const refusal = startTlsRefusal(plan, r, 'STLS');
        if (refusal) {
          c.emit({ type: 'policy-refused', reply: refusal });
          return quit();
        }
      }
    }
  }
  const refusal = verdictRefusal(plan, c.verdict);
  if (refusal) c.emit({ type: 'policy-refused', reply: refusal });
  await quit();
}
