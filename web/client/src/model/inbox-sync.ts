/**
 * What the Support link's count and the Inbox tab share: which events can change a website's
 * inbox, which conversations wait for the user, and a reader that reads again a short while
 * after such events (a burst costs one read; no polling otherwise). The inbox is a read model,
 * a few milliseconds behind the events: a conversation the events name but the read does not
 * show yet is waited for with a few more reads.
 */

import type { EventFrame, InboxConversation, RoomId, UserId } from "../../../sdk/src/index";

/** Conversations read per list (the server's cap). */
export const INBOX_LIMIT = 200;

/** Whether the event can change what an inbox shows (not reactions, nor the visitor's read marker). */
export function affectsInbox(frame: EventFrame, me: UserId): boolean {
  const event = frame.event;
  switch (event.type) {
    case "ReactionAdded":
    case "ReactionRemoved":
    case "MemberRoleChanged":
      return false;
    case "ReadMarkerMoved":
      return event.user_id === me;
    default:
      return true;
  }
}

/** Open conversations that wait for `me`: nobody's, or theirs with messages they have not read. */
export function waitsFor(conversation: InboxConversation, me: UserId): boolean {
  if (conversation.status !== "open") return false;
  return conversation.assignee_id === null || (conversation.assignee_id === me && conversation.unread_count > 0);
}

export interface RereadOptions {
  /** The wait after the last event before reading (default 400 ms). */
  debounceMs?: number;
  /** More reads, each twice as late, for a conversation the reads do not show yet (default 4). */
  retries?: number;
}

/**
 * Reads (`read`, which answers the conversations it saw, or `null` when it failed) a while after
 * the last `poke`, one read at a time; a read asked for while one runs follows it.
 */
export class Rereader {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly awaited = new Set<RoomId>();
  private retry = 0;
  private readonly debounceMs: number;
  private readonly retries: number;

  constructor(
    private readonly read: () => Promise<ReadonlySet<RoomId> | null>,
    options: RereadOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 400;
    this.retries = options.retries ?? 4;
  }

  /** Something changed (in `awaited`, a conversation the last read did not show): read soon. */
  poke(awaited?: RoomId): void {
    if (this.stopped) return;
    if (awaited !== undefined) {
      this.awaited.add(awaited);
      this.retry = 0;
    }
    this.schedule(this.debounceMs);
  }

  /** Reads at once. */
  now(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.awaited.clear();
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const seen = await this.read();
    this.running = false;
    if (this.stopped) return;
    if (seen !== null) for (const roomId of [...this.awaited]) if (seen.has(roomId)) this.awaited.delete(roomId);
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else if (this.awaited.size > 0 && this.retry < this.retries) {
      this.retry += 1;
      this.schedule(this.debounceMs * 2 ** this.retry);
    } else {
      this.awaited.clear();
    }
  }
}
