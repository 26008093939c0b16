import { describe, expect, it } from "vitest";

import { Backoff, smallJitter } from "../../src/backoff";

/** A deterministic sequence of "random" numbers in [0, 1). */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

describe("Backoff", () => {
  it("doubles its ceiling from the base up to the maximum, and stays there", () => {
    const backoff = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0 });
    const ceilings: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      ceilings.push(backoff.ceiling());
      backoff.next();
    }
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it("draws every delay uniformly from [0, ceiling] (full jitter)", () => {
    const low = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0 });
    const high = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0.999_999_9 });
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const ceiling = high.ceiling();
      expect(low.next()).toBe(0);
      expect(high.next()).toBe(ceiling);
    }
  });

  it("keeps thousands of random delays within their bounds, never NaN or infinite", () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 5000 });
    for (let attempt = 0; attempt < 2000; attempt += 1) {
      const ceiling = backoff.ceiling();
      const delay = backoff.next();
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(delay).toBeLessThanOrEqual(5000);
    }
  });

  it("spreads delays over the whole range rather than bunching them", () => {
    const backoff = new Backoff({ baseMs: 1000, maxMs: 1000, random: sequence(0.1, 0.5, 0.9) });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 500, 900]);
  });

  it("starts from the base again after a reset", () => {
    const backoff = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.ceiling()).toBe(500);
  });

  it("refuses bounds that make no sense", () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 1000, maxMs: 10 })).toThrow(RangeError);
  });

  it("keeps prompt reconnects within their small jitter", () => {
    expect(smallJitter(1000, () => 0)).toBe(0);
    expect(smallJitter(1000, () => 0.999_999)).toBe(1000);
    for (let index = 0; index < 1000; index += 1) {
      const delay = smallJitter(250);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(250);
    }
  });
});
