/**
 * One message: author, time, text (or "deleted"), its files (none once deleted), what it replies to, reactions, the delivery
 * ticks of the user's own messages (sending or queued → sent → delivered → read; in groups the
 * tooltip counts who has it), and its actions.
 */

import { useState } from "preact/hooks";

import type { DeliveryStatus, PendingPost, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { clock } from "../model/days";
import type { Message } from "../model/timeline";
import { Attachments } from "./Attachments";
import { MessageText } from "./MessageText";

const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉"];

interface Props {
  model: ChatModel;
  roomId: RoomId;
  message: Message;
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  /** The message a search result leads to: marked as the current one. */
  highlighted?: boolean;
}

export function MessageRow(props: Props) {
  const { model, message } = props;
  const [shown, setShown] = useState(false);
  // The messages of someone the user blocks stay in the room, collapsed until asked for.
  if (!shown && message.author !== model.me && model.contacts.blocks(message.author)) {
    return (
      <article class="message collapsed">
        <p class="body muted">
          A message from someone you blocked.{" "}
          <button type="button" class="link" onClick={() => setShown(true)}>
            Show
          </button>
        </p>
      </article>
    );
  }
  return <ShownMessage {...props} />;
}

function ShownMessage({ model, roomId, message, onReply, onEdit, highlighted = false }: Props) {
  const own = message.author === model.me;
  const room = model.room(roomId);
  const canDelete = own || (room?.kind === "group" && room.role !== "member");
  const repliedTo = message.replyTo === null ? undefined : model.timeline(roomId).get(message.replyTo);
  const status = own ? model.deliveryStatus(roomId, message.seq) : null;
  return (
    <article class={`message${own ? " own" : ""}${highlighted ? " highlighted" : ""}`} aria-current={highlighted ? "true" : undefined}>
      {message.replyTo !== null && (
        <p class="reply-ref">
          Reply to {repliedTo === undefined ? "an earlier message" : `${model.person(repliedTo.author).name}: ${repliedTo.body ?? "deleted message"}`}
        </p>
      )}
      <header>
        <strong>{own ? "You" : model.person(message.author).name}</strong> <time dateTime={message.createdAt}>{clock(message.createdAt)}</time>
        {message.edited && !message.deleted && <span class="muted"> (edited)</span>}
        {status !== null && <Ticks status={STATUS_LABEL[status.status]} detail={counts(status)} />}
      </header>
      {message.deleted ? <p class="body muted">Message deleted</p> : <p class="body">{message.body === null ? null : <MessageText text={message.body} />}</p>}
      {!message.deleted && message.attachments.length > 0 && <Attachments model={model} roomId={roomId} attachments={message.attachments} />}
      {message.reactions.size > 0 && (
        <div class="reactions" role="group" aria-label="Reactions">
          {[...message.reactions].map(([reaction, users]) => (
            <button
              type="button"
              key={reaction}
              class="reaction"
              aria-pressed={users.includes(model.me)}
              aria-label={`${reaction} ${users.length}`}
              title={users.map((userId) => model.person(userId).name).join(", ")}
              onClick={() => model.toggleReaction(roomId, message.id, reaction)}
            >
              {reaction} {users.length}
            </button>
          ))}
        </div>
      )}
      {!message.deleted && (
        <div class="actions" role="toolbar" aria-label="Message actions">
          <button type="button" onClick={() => onReply(message)}>
            Reply
          </button>
          {QUICK_REACTIONS.map((reaction) => (
            <button type="button" key={reaction} aria-label={`React ${reaction}`} onClick={() => model.toggleReaction(roomId, message.id, reaction)}>
              {reaction}
            </button>
          ))}
          {own && (
            <button type="button" onClick={() => onEdit(message)}>
              Edit
            </button>
          )}
          {canDelete && (
            <button type="button" onClick={() => model.remove(roomId, message.id)}>
              Delete
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** A post of the user that the server has not acknowledged yet. */
export function PendingRow({ model, post }: { model: ChatModel; post: PendingPost }) {
  return (
    <article class="message own pending">
      <header>
        <strong>You</strong> <time dateTime={post.queuedAt}>{clock(post.queuedAt)}</time>
        <Ticks status={model.connection === "connected" ? "Sending" : "Queued"} />
      </header>
      <p class="body">
        <MessageText text={post.body} />
      </p>
      {post.attachments.length > 0 && <p class="muted">{post.attachments.length === 1 ? "1 file" : `${post.attachments.length} files`}</p>}
    </article>
  );
}

const TICK = { Queued: "○", Sending: "○", Sent: "✓", Delivered: "✓✓", Read: "✓✓" } as const;

const STATUS_LABEL = { sending: "Sending", sent: "Sent", delivered: "Delivered", read: "Read" } as const;

/** "Delivered to 3 of 5, read by 1" where a message is for more than one person. */
function counts(status: DeliveryStatus): string | null {
  if (status.recipients < 2) return null;
  return `Delivered to ${status.delivered} of ${status.recipients}, read by ${status.read}`;
}

/** The status is the accessible name (what tests and screen readers find); counts go in the tooltip. */
function Ticks({ status, detail = null }: { status: keyof typeof TICK; detail?: string | null }) {
  return (
    <span class={`ticks ${status.toLowerCase()}`} role="img" aria-label={status} title={detail === null ? status : `${status}: ${detail}`}>
      {TICK[status]}
    </span>
  );
}
