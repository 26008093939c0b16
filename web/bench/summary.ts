/**
 * Latency summaries of the browser benchmarks, shaped like `chat-bench --json`'s
 * (src/bin/chat-bench/stats.rs: nearest rank, `p50_ms`, …), so that their JSON lines read alike.
 */

export interface Summary {
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  samples: number;
}

/** p50/p95/max of `samples` (ms), to 0.1 ms: what `performance.now()` resolves here. */
export function summary(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (quantile: number) => Math.round((sorted[Math.round((sorted.length - 1) * quantile)] ?? Number.NaN) * 10) / 10;
  return { p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1), samples: sorted.length };
}
