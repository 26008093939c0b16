/**
 * The rows of a room's history as the screen lists them: messages and notes (a support
 * conversation's system lines) in seq order, each day's first under the day's name, the first
 * message the user had not read when they opened the room under "New messages", then the user's
 * posts not acknowledged yet.
 */

import type { PendingPost, UserId } from "../../../sdk/src/index";
import { dayKey, dayLabel } from "./days";
import type { Message, Note } from "./timeline";

export type TimelineRow =
  | { kind: "message"; message: Message; day: string | null; firstUnread: boolean }
  | { kind: "note"; note: Note; day: string | null }
  | { kind: "pending"; post: PendingPost };

/** What was unread when the room was opened: after `after`, up to `upTo`. */
export interface UnreadAtOpen {
  after: number;
  upTo: number;
}

/**
 * `notes` older than the oldest loaded message are left out while older history is still to
 * load (`complete` false): they would stand at the top, out of their place.
 */
export function timelineRows(
  messages: readonly Message[],
  notes: readonly Note[],
  pending: readonly PendingPost[],
  unreadAtOpen: UnreadAtOpen,
  me: UserId,
  complete = true,
): TimelineRow[] {
  const from = complete ? 0 : (messages[0]?.seq ?? Number.POSITIVE_INFINITY);
  const shown = notes.filter((note) => note.seq > from);
  const rows: TimelineRow[] = [];
  let previousDay: string | null = null;
  let unreadFound = false;
  const dayOf = (at: string): string | null => {
    const day = dayKey(at);
    const first = day !== previousDay;
    previousDay = day;
    return first ? dayLabel(at) : null;
  };
  let next = 0;
  for (const message of messages) {
    for (; next < shown.length && (shown[next]?.seq ?? 0) < message.seq; next += 1) {
      const note = shown[next];
      if (note !== undefined) rows.push({ kind: "note", note, day: dayOf(note.at) });
    }
    const firstUnread: boolean = !unreadFound && message.seq > unreadAtOpen.after && message.seq <= unreadAtOpen.upTo && message.author !== me;
    unreadFound ||= firstUnread;
    rows.push({ kind: "message", message, day: dayOf(message.createdAt), firstUnread });
  }
  for (const note of shown.slice(next)) rows.push({ kind: "note", note, day: dayOf(note.at) });
  for (const post of pending) rows.push({ kind: "pending", post });
  return rows;
}

/** A row's key, stable across renders. */
export function rowKey(row: TimelineRow): string {
  switch (row.kind) {
    case "message":
      return row.message.id;
    case "note":
      return `note-${row.note.seq}`;
    case "pending":
      return row.post.clientMsgId;
  }
}
