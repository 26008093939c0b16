/**
 * How many support conversations wait for the user across their websites (open and nobody's,
 * or theirs with unread messages), for the Support link and the tab's title. Read at start (one
 * request for a user without websites) and again shortly after each event of a support
 * conversation; failures keep the last count.
 */

import type { ChatApi, RoomId, UserId } from "../../../sdk/src/index";
import { INBOX_LIMIT, type RereadOptions, Rereader, waitsFor } from "./inbox-sync";

export class SupportWatch {
  /** Conversations waiting for the user. */
  waiting = 0;
  /** The open conversations of the last read. */
  private known = new Set<RoomId>();
  private readonly reader: Rereader;

  constructor(
    private readonly api: Pick<ChatApi, "websites" | "inbox">,
    private readonly me: UserId,
    private readonly changed: () => void,
    /** Whether the user is looking at the conversation (its messages count as read). */
    private readonly viewed: (roomId: RoomId) => boolean = () => false,
    options: RereadOptions = {},
  ) {
    this.reader = new Rereader(() => this.read(), options);
  }

  start(): void {
    this.reader.now();
  }

  stop(): void {
    this.reader.stop();
  }

  /** An event of the support conversation `roomId` (a new one is waited for). */
  poke(roomId?: RoomId): void {
    this.reader.poke(roomId === undefined || this.known.has(roomId) ? undefined : roomId);
  }

  private async read(): Promise<ReadonlySet<RoomId> | null> {
    try {
      const websites = await this.api.websites();
      const lists = await Promise.all(websites.map((website) => this.api.inbox(website.website_id, { status: "open", limit: INBOX_LIMIT })));
      const open = lists.flat();
      this.known = new Set(open.map((conversation) => conversation.room_id));
      const waiting = open.filter((conversation) => waitsFor(this.viewed(conversation.room_id) ? { ...conversation, unread_count: 0 } : conversation, this.me)).length;
      if (waiting !== this.waiting) {
        this.waiting = waiting;
        this.changed();
      }
      return this.known;
    } catch {
      return null;
    }
  }
}
