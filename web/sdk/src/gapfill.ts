/**
 * Filling a gap in a room's events from REST history (protocol.md §5: a room left out of
 * `resume`, e.g. when the map would not fit in a frame, is delivered from
 * `ready.rooms[].last_seq + 1`). History holds messages and system lines, not every event:
 * what it gives back is the messages of the gap, in their current state, and its system lines.
 */

import type { HistoryPage, MessageView, RoomDetail, RoomId, SystemLine } from "./contract";

/** The REST calls a fill makes (a `ChatApi` has them). */
export interface HistoryApi {
  room(roomId: RoomId): Promise<RoomDetail>;
  history(roomId: RoomId, options: { before?: number; limit?: number }): Promise<HistoryPage>;
}

/** The messages and system lines a gap fill recovered, oldest first. */
export interface HistoryFill {
  messages: MessageView[];
  system: SystemLine[];
  /**
   * `false` if the read model had not reached the gap's end in time: messages of the gap may be
   * missing; reload the room's history.
   */
  complete: boolean;
}

/**
 * The messages with `after < seq < before`, once the read model has reached `before - 1` or
 * `waitMs` has passed. The room list and the history come from one projector (`rooms`, applied
 * a page of events at a time), so the room's `last_seq` says how far the history has got.
 */
export async function fillFromHistory(
  api: HistoryApi,
  roomId: RoomId,
  after: number,
  before: number,
  waitMs: number,
): Promise<HistoryFill> {
  const deadline = Date.now() + waitMs;
  let complete = false;
  for (let attempt = 0; ; attempt += 1) {
    const detail = await api.room(roomId);
    if (detail.last_seq >= before - 1) {
      complete = true;
      break;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await delay(Math.min(1000, 50 * 2 ** attempt, left));
  }
  const messages: MessageView[] = [];
  const system: SystemLine[] = [];
  let cursor: number | null = before;
  while (cursor !== null) {
    const page: HistoryPage = await api.history(roomId, { before: cursor, limit: 200 });
    for (const message of page.messages) {
      if (message.seq > after) messages.push(message);
    }
    for (const line of page.system) {
      if (line.seq > after) system.push(line);
    }
    const next = page.next_before;
    cursor = next === null || next <= after + 1 ? null : next;
  }
  messages.sort((a, b) => a.seq - b.seq);
  system.sort((a, b) => a.seq - b.seq);
  return { messages, system, complete };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
