/**
 * The widget's business hours as the settings form edits them, and back: the API's minutes
 * after midnight (`opens < closes ≤ 1440`, api.md §11.2) as the `HH:MM` of time inputs, a day
 * closed as `null`, and the time zone checked with the browser's own database (`Intl`) before
 * the server sees it. A day that closes at `00:00` is open until midnight (1440): a time input
 * has no `24:00`.
 */

import type { BusinessHours, DayHours, Week } from "../../../sdk/src/index";

export const DAY_NAMES: Week<string> = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const MINUTES_PER_DAY = 24 * 60;

/** One day of the form: open or not, and its times (`HH:MM`), kept while closed. */
export interface DayRow {
  open: boolean;
  opens: string;
  closes: string;
}

export interface HoursForm {
  /** `false`: agents answer at any time (`business_hours: null`). */
  limited: boolean;
  timeZone: string;
  days: Week<DayRow>;
}

export type HoursResult = { ok: true; hours: BusinessHours | null } | { ok: false; problem: string };

/** `540` → `"09:00"`; the end of the day (1440) → `"00:00"`. */
export function timeOfDay(minutes: number): string {
  const wrapped = minutes % MINUTES_PER_DAY;
  return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
}

/** `"09:00"` → `540`; `null` unless `HH:MM` (seconds, as some browsers add, are ignored). */
export function minutesOf(time: string): number | null {
  const match = /^(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$/.exec(time);
  if (match === null) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

/**
 * The zone's canonical IANA name if the browser knows it and the server takes it (`UTC`, or
 * an `Area/Place` name), else `null`: `"europe/berlin"` → `"Europe/Berlin"`, `"EST"` → `null`.
 */
export function canonicalTimeZone(zone: string): string | null {
  const wanted = zone.trim();
  if (wanted === "") return null;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: wanted }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return canonical === "UTC" || canonical.includes("/") ? canonical : null;
}

/** The browser's own time zone, or `UTC`. */
export function browserTimeZone(): string {
  return canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? "UTC";
}

/** The form for `hours`; with none, a 9-to-5 working week in `defaultZone`, not yet limiting. */
export function hoursForm(hours: BusinessHours | null, defaultZone: string): HoursForm {
  if (hours === null) {
    const weekday: DayRow = { open: true, opens: "09:00", closes: "17:00" };
    const weekend: DayRow = { open: false, opens: "09:00", closes: "17:00" };
    return { limited: false, timeZone: defaultZone, days: [weekday, weekday, weekday, weekday, weekday, weekend, weekend] };
  }
  const row = (day: DayHours | null): DayRow =>
    day === null ? { open: false, opens: "09:00", closes: "17:00" } : { open: true, opens: timeOfDay(day.opens), closes: timeOfDay(day.closes) };
  const [mon, tue, wed, thu, fri, sat, sun] = hours.days;
  return { limited: true, timeZone: hours.time_zone, days: [row(mon), row(tue), row(wed), row(thu), row(fri), row(sat), row(sun)] };
}

/** What to send for the form, or the first thing wrong with it, in words. */
export function hoursFromForm(form: HoursForm): HoursResult {
  if (!form.limited) return { ok: true, hours: null };
  const timeZone = canonicalTimeZone(form.timeZone);
  if (timeZone === null) return { ok: false, problem: timeZoneProblem(form.timeZone) };
  const days: Array<DayHours | null> = [];
  for (const [index, row] of form.days.entries()) {
    const name = DAY_NAMES[index] ?? "";
    if (!row.open) {
      days.push(null);
      continue;
    }
    const opens = minutesOf(row.opens);
    const closes = minutesOf(row.closes);
    if (opens === null || closes === null) return { ok: false, problem: `${name}: give an opening and a closing time.` };
    const end = closes === 0 ? MINUTES_PER_DAY : closes;
    if (opens >= end) return { ok: false, problem: `${name}: the closing time must be after the opening time.` };
    days.push({ opens, closes: end });
  }
  const [mon = null, tue = null, wed = null, thu = null, fri = null, sat = null, sun = null] = days;
  return { ok: true, hours: { time_zone: timeZone, days: [mon, tue, wed, thu, fri, sat, sun] } };
}

/** Why `zone` (which `canonicalTimeZone` refused) cannot be used, in words. */
export function timeZoneProblem(zone: string): string {
  return zone.trim() === ""
    ? "Give a time zone, such as Europe/Berlin or UTC."
    : `“${zone.trim()}” is not a time zone this browser knows: use a name such as Europe/Berlin or UTC.`;
}

/** `{opens: 540, closes: 1020}` → `"09:00–17:00"`; a day open until midnight ends `24:00`. */
export function dayText(day: DayHours | null): string {
  if (day === null) return "Closed";
  return `${timeOfDay(day.opens)}–${day.closes === MINUTES_PER_DAY ? "24:00" : timeOfDay(day.closes)}`;
}
