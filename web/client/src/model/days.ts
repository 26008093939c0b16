/**
 * Which local calendar day a message belongs to, and how the timeline names that day
 * ("Today", "Yesterday", else the date; the year only when it is not this year).
 */

/** A key equal for two instants on the same local day. */
export function dayKey(at: string | Date): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** The day of `at` as a separator shows it, seen at `now`. */
export function dayLabel(at: string, now: Date = new Date()): string {
  const date = new Date(at);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return "Today";
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  return date.toLocaleDateString([], {
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  });
}

/** The time of day of `at`, hours and minutes, as the user's locale writes it. */
export function clock(at: string): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
