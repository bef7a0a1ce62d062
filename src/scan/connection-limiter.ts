/**
 * How many connections a scan holds open at once and how fast it opens them: a mail server that
 * sees dozens of parallel connections from one address (Postfix's anvil, smtpd_client_connection_rate_limit)
 * answers 421 and the scan would measure its rate limit, not its TLS.
 */
export class ConnectionLimiter {
  readonly #max: number;
  readonly #intervalMs: number;
  #active = 0;
  #nextStart = 0;
  readonly #waiting: (() => void)[] = [];
  /** Connections opened so far. */
  opened = 0;

  /** `rate`: connections per second at most (0 or undefined: no limit). */
  constructor(maxConns: number, rate?: number) {
    this.#max = Math.max(1, maxConns);
    this.#intervalMs = rate && rate > 0 ? 1000 / rate : 0;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    try {
      if (this.#intervalMs > 0) {
        const now = Date.now();
        const at = Math.max(now, this.#nextStart);
        this.#nextStart = at + this.#intervalMs;
        if (at > now) await new Promise((r) => setTimeout(r, at - now));
      }
      this.opened += 1;
      return await job();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so #active counts it throughout.
      if (next) next();
      else this.#active -= 1;
    }
  }
}
