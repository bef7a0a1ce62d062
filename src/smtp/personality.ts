import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/**
 * Banner and EHLO wording of the MTAs administrators meet, so that the system under test sees the
 * greeting it would see in production (some senders key behaviour on it).
 */
export interface SmtpPersonality {
  readonly name: 'generic' | 'postfix' | 'exchange';
  /** The 220 greeting text after the code. */
  greeting(hostname: string, now: Date): string;
  /** First line of the EHLO reply after `250-`. */
  ehloFirstLine(hostname: string, clientName: string, remoteAddress: string): string;
  /** Whether replies carry RFC 3463 enhanced status codes and ENHANCEDSTATUSCODES is advertised. */
  readonly enhancedStatusCodes: boolean;
}

export const PERSONALITIES: Record<SmtpPersonality['name'], SmtpPersonality> = {
  generic: {
    name: 'generic',
    greeting: (h) => `${h} ESMTP mxlab`,
    ehloFirstLine: (h, client) => `${h} Hello ${client}`,
    enhancedStatusCodes: true,
  },
  postfix: {
    name: 'postfix',
    greeting: (h) => `${h} ESMTP Postfix (Debian/GNU)`,
    ehloFirstLine: (h) => h,
    enhancedStatusCodes: true,
  },
  exchange: {
    name: 'exchange',
    // Exchange 2013-2019 front-end transport greeting.
    greeting: (h, now) => `${h} Microsoft ESMTP MAIL Service ready at ${now.toUTCString().replace('GMT', '+0000')}`,
    ehloFirstLine: (h, _client, ip) => `${h} Hello [${ip.replace(/^::ffff:/, '')}]`,
    enhancedStatusCodes: true,
  },
};

export function personality(name: string): SmtpPersonality {
  const p = (PERSONALITIES as Record<string, SmtpPersonality>)[name];
  if (!p) throw new UsageError(badChoice('--personality', name, Object.keys(PERSONALITIES)));
  return p;
}
