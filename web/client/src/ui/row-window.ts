/**
 * The arithmetic of the virtual message list, apart from the DOM so that it can be tested:
 * where each row starts given the heights measured so far (an estimate for the others), and
 * which rows a viewport needs.
 */

export interface RowWindow {
  /** First and last row to render (inclusive); `end < start` when there are none. */
  start: number;
  end: number;
  /** Height of the rows above `start` and below `end`, kept as padding. */
  before: number;
  after: number;
  total: number;
}

/** `offsets[i]` is where row `i` starts; `offsets[n]` is the total height. */
export function rowOffsets(keys: readonly string[], heights: ReadonlyMap<string, number>, estimate: number): Float64Array {
  const offsets = new Float64Array(keys.length + 1);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index];
    offsets[index + 1] = (offsets[index] ?? 0) + ((key === undefined ? undefined : heights.get(key)) ?? estimate);
  }
  return offsets;
}

/** The rows that intersect `[top - overscan, top + height + overscan]`. */
export function rowWindow(offsets: Float64Array, top: number, height: number, overscan: number): RowWindow {
  const count = offsets.length - 1;
  const total = offsets[count] ?? 0;
  if (count === 0) return { start: 0, end: -1, before: 0, after: 0, total };
  const start = Math.max(0, rowAt(offsets, top - overscan));
  const end = Math.min(count - 1, rowAt(offsets, top + height + overscan));
  return { start, end, before: offsets[start] ?? 0, after: total - (offsets[end + 1] ?? total), total };
}

/** The row that covers the vertical position `y` (clamped to the first and last row). */
export function rowAt(offsets: Float64Array, y: number): number {
  let low = 0;
  let high = offsets.length - 2;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((offsets[middle] ?? 0) <= y) low = middle;
    else high = middle - 1;
  }
  return Math.max(0, low);
}
