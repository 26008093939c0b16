import { describe, expect, it } from "vitest";

import { dayKey, dayLabel } from "../../src/model/days";

/** A local time, as an ISO string (the server's timestamps are UTC instants). */
function local(year: number, month: number, day: number, hour = 12): string {
  return new Date(year, month - 1, day, hour).toISOString();
}

describe("days of the timeline", () => {
  const now = new Date(2026, 11, 7, 9, 30);

  it("groups instants by local calendar day", () => {
    expect(dayKey(local(2026, 12, 7, 0))).toBe(dayKey(local(2026, 12, 7, 23)));
    expect(dayKey(local(2026, 12, 7, 23))).not.toBe(dayKey(local(2026, 12, 8, 0)));
  });

  it("names today and yesterday, then dates, with the year only for other years", () => {
    expect(dayLabel(local(2026, 12, 7, 8), now)).toBe("Today");
    expect(dayLabel(local(2026, 12, 6, 23), now)).toBe("Yesterday");
    expect(dayLabel(local(2026, 12, 1), now)).toContain("1");
    expect(dayLabel(local(2026, 12, 1), now)).not.toContain("2026");
    expect(dayLabel(local(2025, 12, 31), now)).toContain("2025");
  });

  it("knows yesterday across a month boundary", () => {
    expect(dayLabel(local(2026, 11, 30, 22), new Date(2026, 11, 1, 8))).toBe("Yesterday");
  });
});
