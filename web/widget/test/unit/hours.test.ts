import { describe, expect, it } from "vitest";

import type { BusinessHours, DayHours } from "../../../sdk/src/contract";
import { wallClock, withinBusinessHours } from "../../src/hours";

const NINE_TO_FIVE: DayHours = { opens: 540, closes: 1020 };

/** Monday to Friday 09:00–17:00 in `zone`, closed at the weekend. */
function weekdays(zone: string): BusinessHours {
  return { time_zone: zone, days: [NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, NINE_TO_FIVE, null, null] };
}

describe("business hours", () => {
  it("are always open without a schedule", () => {
    expect(withinBusinessHours(null, new Date("2026-12-06T03:00:00Z"))).toBe(true);
  });

  it("open at `opens` and close at `closes`, in the schedule's zone", () => {
    const hours = weekdays("UTC");
    // Monday 2026-12-07.
    expect(withinBusinessHours(hours, new Date("2026-12-07T08:59:59Z"))).toBe(false);
    expect(withinBusinessHours(hours, new Date("2026-12-07T09:00:00Z"))).toBe(true);
    expect(withinBusinessHours(hours, new Date("2026-12-07T16:59:59Z"))).toBe(true);
    expect(withinBusinessHours(hours, new Date("2026-12-07T17:00:00Z"))).toBe(false);
  });

  it("are closed on a day that is null", () => {
    // Saturday 2026-12-05, noon.
    expect(withinBusinessHours(weekdays("UTC"), new Date("2026-12-05T12:00:00Z"))).toBe(false);
  });

  it("count days Monday first", () => {
    const sundayOnly: BusinessHours = { time_zone: "UTC", days: [null, null, null, null, null, null, { opens: 0, closes: 1440 }] };
    expect(withinBusinessHours(sundayOnly, new Date("2026-12-06T00:00:00Z"))).toBe(true);
    expect(withinBusinessHours(sundayOnly, new Date("2026-12-06T23:59:59Z"))).toBe(true);
    expect(withinBusinessHours(sundayOnly, new Date("2026-12-07T00:00:00Z"))).toBe(false);
  });

  it("take the weekday in the schedule's zone, not UTC's", () => {
    // Monday 00:30 in Tokyo is still Sunday in UTC.
    const mondayMorning: BusinessHours = { time_zone: "Asia/Tokyo", days: [{ opens: 0, closes: 60 }, null, null, null, null, null, null] };
    expect(withinBusinessHours(mondayMorning, new Date("2026-12-06T15:30:00Z"))).toBe(true);
    expect(wallClock(new Date("2026-12-06T15:30:00Z"), "Asia/Tokyo")).toEqual({ day: 0, minutes: 30 });
  });

  it("follow daylight saving time (Europe/Berlin: UTC+1 in winter, UTC+2 from 29 March 2026)", () => {
    const hours = weekdays("Europe/Berlin");
    // Friday 27 March, 07:30 UTC: 08:30 in Berlin (CET), not open yet.
    expect(wallClock(new Date("2026-03-27T07:30:00Z"), "Europe/Berlin")).toEqual({ day: 4, minutes: 510 });
    expect(withinBusinessHours(hours, new Date("2026-03-27T07:30:00Z"))).toBe(false);
    // Monday 30 March, 07:30 UTC: 09:30 in Berlin (CEST), open.
    expect(wallClock(new Date("2026-03-30T07:30:00Z"), "Europe/Berlin")).toEqual({ day: 0, minutes: 570 });
    expect(withinBusinessHours(hours, new Date("2026-03-30T07:30:00Z"))).toBe(true);
    // The same Monday, 15:30 UTC is 17:30 in Berlin: closed, though 16:30 in winter would be open.
    expect(withinBusinessHours(hours, new Date("2026-03-30T15:30:00Z"))).toBe(false);
  });

  it("follow daylight saving time on the day it ends (America/New_York, 1 November 2026)", () => {
    const sundayEarly: BusinessHours = { time_zone: "America/New_York", days: [null, null, null, null, null, null, { opens: 60, closes: 120 }] };
    // 05:30 UTC is 01:30 EDT (before the change), 06:30 UTC is 01:30 EST (after): both open.
    expect(withinBusinessHours(sundayEarly, new Date("2026-11-01T05:30:00Z"))).toBe(true);
    expect(withinBusinessHours(sundayEarly, new Date("2026-11-01T06:30:00Z"))).toBe(true);
    // 07:30 UTC is 02:30 EST: closed.
    expect(withinBusinessHours(sundayEarly, new Date("2026-11-01T07:30:00Z"))).toBe(false);
  });

  it("count as open in a time zone the browser does not know", () => {
    expect(wallClock(new Date(), "Mars/Olympus_Mons")).toBeNull();
    expect(withinBusinessHours(weekdays("Mars/Olympus_Mons"), new Date("2026-12-05T12:00:00Z"))).toBe(true);
  });

  it("read midnight as 0, not 24", () => {
    expect(wallClock(new Date("2026-12-07T00:00:00Z"), "UTC")).toEqual({ day: 0, minutes: 0 });
  });
});
