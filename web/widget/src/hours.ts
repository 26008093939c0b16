/**
 * Whether the website's team answers now, by its business hours (api.md §11.2): seven days,
 * Monday first, each closed (`null`) or open from `opens` to `closes` minutes after midnight, in
 * the schedule's IANA time zone. The browser's time-zone database (`Intl.DateTimeFormat`) turns
 * the instant into that zone's weekday and wall-clock time, daylight saving time included, so
 * the server needs none.
 */

import type { BusinessHours } from "../../sdk/src/contract";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The weekday (0 = Monday) and minutes after midnight of `at` in `timeZone`; `null` for an unknown zone. */
export function wallClock(at: Date, timeZone: string): { day: number; minutes: number } | null {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(at);
  } catch {
    return null;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? "";
  const day = WEEKDAYS.indexOf(part("weekday"));
  const hour = Number(part("hour")) % 24;
  const minute = Number(part("minute"));
  if (day < 0 || !Number.isInteger(hour) || !Number.isInteger(minute)) return null;
  return { day, minutes: hour * 60 + minute };
}

/**
 * Whether `at` falls in the business hours; no schedule means always. A time zone the browser
 * does not know counts as open: better to promise a reply than to turn visitors away by mistake.
 */
export function withinBusinessHours(hours: BusinessHours | null, at: Date): boolean {
  if (hours === null) return true;
  const now = wallClock(at, hours.time_zone);
  if (now === null) return true;
  const today = hours.days[now.day];
  return today != null && today.opens <= now.minutes && now.minutes < today.closes;
}
