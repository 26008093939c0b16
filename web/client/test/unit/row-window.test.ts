import { describe, expect, it } from "vitest";

import { rowAt, rowOffsets, rowWindow } from "../../src/ui/row-window";

describe("rowOffsets", () => {
  it("uses measured heights and the estimate for the rest", () => {
    const offsets = rowOffsets(["a", "b", "c"], new Map([["b", 100]]), 50);
    expect([...offsets]).toEqual([0, 50, 150, 200]);
  });
});

describe("rowWindow", () => {
  const keys = Array.from({ length: 10_000 }, (_, index) => `m${index}`);
  const offsets = rowOffsets(keys, new Map(), 60);

  it("renders only the rows near the viewport of a long list", () => {
    const rows = rowWindow(offsets, 300_000, 600, 120);
    expect(rows.start).toBe(4998);
    expect(rows.end).toBe(5012);
    expect(rows.before).toBe(4998 * 60);
    expect(rows.before + (rows.end - rows.start + 1) * 60 + rows.after).toBe(rows.total);
  });

  it("clamps at both ends", () => {
    expect(rowWindow(offsets, 0, 600, 120)).toMatchObject({ start: 0, end: 12, before: 0 });
    expect(rowWindow(offsets, 600_000, 600, 120)).toMatchObject({ end: 9999, after: 0 });
  });

  it("has no rows for an empty list", () => {
    expect(rowWindow(rowOffsets([], new Map(), 60), 0, 600, 120)).toEqual({ start: 0, end: -1, before: 0, after: 0, total: 0 });
  });
});

describe("rowAt", () => {
  it("finds the row covering a position", () => {
    const offsets = rowOffsets(["a", "b", "c"], new Map([["a", 10], ["b", 20], ["c", 30]]), 0);
    expect([rowAt(offsets, 0), rowAt(offsets, 9), rowAt(offsets, 10), rowAt(offsets, 29), rowAt(offsets, 30), rowAt(offsets, 1000)]).toEqual([0, 0, 1, 1, 2, 2]);
  });
});
