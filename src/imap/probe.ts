import type { LineClient } from '../client/line-client.js';
import { startTlsDecision, startTlsRefusal, verdictRefusal } from '../client/probe-policy.js';
import type { SendPlan } from '../client/send-spec.js';

/** A command's untagged lines and its tagged completion. */
interface Reply {
  readonly untagged: readonly string[];
  readonly tagged: string;
}

/**
 * `mxlab probe imap`: what `openssl s_client -starttls imap` shows, as a session record. Greeting,
 * CAPABILITY, STARTTLS under the client policy, CAPABILITY again over TLS, LOGOUT. No credentials
 * are ever sent: whether a login would be allowed before TLS is read from LOGINDISABLED.
 */
export async function probeImap(c: LineClient, plan: SendPlan): Promise<void> {
  if (!(await c.connect())) return;
  if (plan.implicit && !(await c.startImplicit())) return;
  const greeting = await c.line();
  if (greeting === undefined) return;
  if (/^\* BYE\b/i.test(greeting)) return c.error(`the server refused the session: ${greeting}`, 'greeting');
  if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) return c.error(`not an IMAP greeting: "${greeting.slice(0, 200)}"`, 'greeting', 'EPROTOCOL');

  let n = 0;
  const command = async (line: string): Promise<Reply | undefined> => {
    const tag = `p${++n}`;
    c.send(`${tag} ${line}`);
    const untagged: string[] = [];
    for (;;) {
      const l = await c.line();
      if (l === undefined) return undefined;
      if (l.startsWith(`${tag} `)) return { untagged, tagged: l };
      untagged.push(l);
    }
  };
  const capabilities = async (): Promise<string[] | undefined> => {
    const r = await command('CAPABILITY');
    if (!r) return undefined;
    const line = r.untagged.find((l) => /^\* CAPABILITY /i.test(l));
    const list = line ? line.slice('* CAPABILITY '.length).trim().split(/\s+/) : [];
    const secure = c.tls !== undefined;
    c.emit({
      type: 'capabilities', secure, capabilities: list,
      ...(!secure ? { loginAllowed: !list.some((x) => x.toUpperCase() === 'LOGINDISABLED') } : {}),
    });
    return list;
  };
  const logout = async (): Promise<void> => {
    await command('LOGOUT');
  };

  const before = await capabilities();
  if (!before) return;
  if (!c.tls) {
    const offered = before.some((x) => x.toUpperCase() === 'STARTTLS');
    c.emit({ type: 'starttls-offered', offered });
    const decision = startTlsDecision(plan, offered, 'STARTTLS');
    if (decision.action === 'refuse') {
      c.emit({ type: 'policy-refused', reply: decision.reason });
      return logout();
    }
    if (decision.action === 'starttls') {
      const r = await command('STARTTLS');
      if (!r) return;
      if (/^\S+ OK\b/i.test(r.tagged)) {
        if (!(await c.startTls())) return;
        if (!(await capabilities())) return;
      } else {
        const refusal = startTlsRefusal(plan, r.tagged, 'STARTTLS');
        if (refusal) {
          c.emit({ type: 'policy-refused', reply: refusal });
          return logout();
        }
      }
    }
  }
  const refusal = verdictRefusal(plan, c.verdict);
  if (refusal) c.emit({ type: 'policy-refused', reply: refusal });
  await logout();
}
