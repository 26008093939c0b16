/**
 * Reconnect delays: exponential backoff with full jitter ("Exponential Backoff And Jitter",
 * AWS Architecture Blog): attempt n waits a uniformly random time in [0, min(cap, base·2ⁿ)],
 * so that the clients of a failed gateway do not come back at once. Bounded by `maxMs`.
 */

export interface BackoffOptions {
  /** The ceiling of the first attempt's delay (default 500 ms). */
  baseMs?: number;
  /** The ceiling never grows past this (default 30 s). */
  maxMs?: number;
  /** Uniform in [0, 1) (default `Math.random`; injectable for tests). */
  random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs)) {
      throw new RangeError("backoff needs 0 < baseMs <= maxMs");
    }
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The ceiling of the next delay. */
  ceiling(): number {
    // 2^attempt overflows to Infinity eventually, which `min` bounds.
    return Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
  }

  /** The next delay in ms, in [0, ceiling()], and one more attempt. */
  next(): number {
    const delay = Math.floor(this.random() * (this.ceiling() + 1));
    this.attempt += 1;
    return Math.min(delay, this.maxMs);
  }

  /** After a connection that worked: start from the base again. */
  reset(): void {
    this.attempt = 0;
  }
}

/** A small random delay in [0, maxMs] for reconnects that should be prompt (4008, 4009). */
export function smallJitter(maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * (maxMs + 1));
}
