/**
 * Reads trail writes (api.md §1, "Eventual consistency"): after a command, the read that shows
 * its effect may come a few milliseconds later. `refreshUntil` reads again, a little later
 * each time and a bounded number of times, until the answer shows the change.
 */

export interface RefreshOptions {
  /** Reads in all (default 20: about 15 s). */
  attempts?: number;
  /** Waits `ms` (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/** The wait before the read after `attempt` (0-based): 50 ms, growing to 1 s. */
export function refreshDelay(attempt: number): number {
  return Math.min(1000, 50 * 2 ** attempt);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `shows` accepts the answer, and answers it; `null` if no read did. A read that
 * answers `undefined` (not there yet) is tried again; a read that throws ends the wait.
 */
export async function refreshUntil<T>(
  read: () => Promise<T | undefined>,
  shows: (value: T) => boolean,
  options: RefreshOptions = {},
): Promise<T | null> {
  const attempts = options.attempts ?? 20;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await read();
    if (value !== undefined && shows(value)) return value;
    if (attempt + 1 < attempts) await sleep(refreshDelay(attempt));
  }
  return null;
}
