/** What a `ChatSession` emits: its states and events. */

import type {
  ContactsServerFrame,
  EventFrame,
  HelloFrame,
  PresenceEntry,
  ReadyFrame,
  ReceiptServerFrame,
  ResumedFrame,
  TypingServerFrame,
} from "./contract";
import type { GapFill } from "./delivery";
import type { ChatApiError } from "./errors";
import type { HistoryFill } from "./gapfill";
import type { PostReceipt } from "./outbox";
import type { PendingPost } from "./stores";

/**
 * `disconnected`: no socket (waiting to reconnect, or not started); `connecting`: getting a
 * token and opening a socket, until `hello`; `identifying`: `identify` sent, until `ready`;
 * `connected`: identified, events flow; `closed`: for good.
 */
export type SessionState = "disconnected" | "connecting" | "identifying" | "connected" | "closed";

export interface StateChange {
  state: SessionState;
  previous: SessionState;
}

export interface Disconnected {
  code: number;
  reason: string;
  url: string;
  /** When the session tries again, or `null` if it is closed for good. */
  reconnectInMs: number | null;
}

export interface Closed {
  /** `closed_by_client`: `close()`; `auth_lost`: the login is gone (log in again). */
  reason: "closed_by_client" | "auth_lost";
  error: unknown;
}

export interface SessionEvents {
  state: StateChange;
  /** Identified: the user, the gateway, and the rooms as the read model lists them. */
  ready: { frame: ReadyFrame; hello: HelloFrame; url: string };
  /** A room event, in `seq` order per room, each exactly once (duplicates are dropped). */
  event: EventFrame;
  /** A duplicate that was dropped (informational). */
  duplicate: { frame: EventFrame; position: number };
  /** The outcome of resuming one room (protocol.md §5.3); positions are already adjusted. */
  resumed: ResumedFrame;
  /** A gap that was filled from REST history before the event after it was delivered. */
  gap: GapFill<HistoryFill>;
  /** Someone started or stopped typing (as shown: renewals and unknown `false`s are dropped). */
  typing: TypingServerFrame;
  presence: PresenceEntry[];
  /** Your side of your contacts or blocks changed (a request, an answer, a removal, a block). */
  contacts: ContactsServerFrame;
  /** A member's delivery marker moved (rooms of at most `LIVE_RECEIPTS_MAX_MEMBERS` members). */
  receipt: ReceiptServerFrame;
  /** The outbox changed; the posts not acknowledged yet, oldest first. */
  outbox: PendingPost[];
  /** A post reached the server (also posts queued before a reload). */
  sent: PostReceipt;
  /** A post was refused for good and removed from the outbox. */
  postFailed: { post: PendingPost; error: ChatApiError };
  /** The socket closed. */
  disconnected: Disconnected;
  /** The session will not reconnect again. */
  closed: Closed;
  /** Something went wrong that no request is waiting for (an `error` frame without id…). */
  error: unknown;
}
