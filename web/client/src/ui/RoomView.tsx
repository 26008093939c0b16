/**
 * One room: its header (title, members, leave), the virtualised history (each day under its
 * name) with the user's unacknowledged posts at the end, who is typing, and the composer.
 * Reply and edit targets live here, shared by the rows (which start them) and the composer
 * (which completes them).
 */

import { useCallback, useMemo, useState } from "preact/hooks";

import type { PendingPost, RoomSummary } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { dayKey, dayLabel } from "../model/days";
import type { Message } from "../model/timeline";
import { Composer } from "./Composer";
import { MembersPanel } from "./MembersPanel";
import { MessageRow, PendingRow } from "./MessageRow";
import { VirtualList } from "./VirtualList";
import { openRoom } from "./route";

/**
 * A message (under the name of its day when it is the day's first, and under "New messages"
 * when it is the first the user had not read when they opened the room), or a post not acked
 * yet.
 */
type Row = { kind: "message"; message: Message; day: string | null; firstUnread: boolean } | { kind: "pending"; post: PendingPost };

interface Props {
  model: ChatModel;
  room: RoomSummary;
}

export function RoomView({ model, room }: Props) {
  const roomId = room.room_id;
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  // What was unread when the user opened the room (the view marks it read at once; what
  // arrives while they look is read as it comes).
  const [unreadAtOpen] = useState({ after: room.last_read_seq, upTo: room.last_seq });
  const timeline = model.timeline(roomId);
  const messages = timeline.messages();
  const pending = model.pending(roomId);
  // Recomputed only when the messages or the pending posts change, not on every render.
  const rows = useMemo<Row[]>(() => {
    let previousDay: string | null = null;
    let unreadFound = false;
    const messageRows = messages.map((message): Row => {
      const day = dayKey(message.createdAt);
      const firstOfDay = day !== previousDay;
      previousDay = day;
      const firstUnread =
        !unreadFound && message.seq > unreadAtOpen.after && message.seq <= unreadAtOpen.upTo && message.author !== model.me;
      unreadFound ||= firstUnread;
      return { kind: "message", message, day: firstOfDay ? dayLabel(message.createdAt) : null, firstUnread };
    });
    return [...messageRows, ...pending.map((post): Row => ({ kind: "pending", post }))];
  }, [messages, pending.map((post) => post.clientMsgId).join()]);
  const title = model.title(room);
  const loadOlder = useCallback(() => void model.loadOlder(roomId), [model, roomId]);
  const editLast = () => {
    const own = [...messages].reverse().find((message) => message.author === model.me && !message.deleted);
    if (own !== undefined) setEditing(own);
  };
  const typing = model.typing(roomId);

  return (
    <main class="room" aria-label={title}>
      <header class="room-header">
        <button type="button" class="back secondary" aria-label="Back to rooms" onClick={() => openRoom(null)}>
          ←
        </button>
        <h2>{title}</h2>
        <button type="button" class="secondary" aria-expanded={showMembers} onClick={() => setShowMembers(!showMembers)}>
          Members ({room.member_count})
        </button>
        {room.kind === "group" && room.role !== "owner" && (
          <button type="button" class="secondary" onClick={() => void model.leaveRoom(roomId).then((left) => left && openRoom(null))}>
            Leave
          </button>
        )}
      </header>
      <div class="room-body">
        <div class="timeline">
          {timeline.loading && <p class="muted loading">Loading older messages…</p>}
          <VirtualList
            items={rows}
            keyOf={rowKey}
            label={`Messages in ${title}`}
            onNearStart={loadOlder}
            render={(row) =>
              row.kind === "message" ? (
                <>
                  {row.day !== null && (
                    <div class="day" role="separator" aria-label={row.day}>
                      {row.day}
                    </div>
                  )}
                  {row.firstUnread && (
                    <div class="day new-messages" role="separator" aria-label="New messages">
                      New messages
                    </div>
                  )}
                  <MessageRow model={model} roomId={roomId} message={row.message} onReply={setReplyTo} onEdit={setEditing} />
                </>
              ) : (
                <PendingRow model={model} post={row.post} />
              )
            }
          />
          <div class="typing" role="status" aria-live="polite">
            {typing.length > 0 && `${typing.join(", ")} ${typing.length === 1 ? "is" : "are"} typing…`}
          </div>
          <Composer
            model={model}
            roomId={roomId}
            roomTitle={title}
            replyTo={replyTo}
            editing={editing}
            onCancel={() => {
              setReplyTo(null);
              setEditing(null);
            }}
            onEditLast={editLast}
          />
        </div>
        {showMembers && <MembersPanel model={model} roomId={roomId} />}
      </div>
    </main>
  );
}

function rowKey(row: Row): string {
  return row.kind === "message" ? row.message.id : row.post.clientMsgId;
}
