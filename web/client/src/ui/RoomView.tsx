/**
 * One room: its header (title, topic, members, invites and settings for its moderators, leave), and its history (each day under its name, the
 * user's unacknowledged posts at the end), who is typing and the composer ([`TimelinePane`]).
 */

import { useEffect, useMemo, useState } from "preact/hooks";

import type { RoomSummary } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { revealSeq } from "../model/reveal";
import { shownNotes, systemLine } from "../model/system-lines";
import type { Note } from "../model/timeline";
import { type TimelineRow, timelineRows } from "../model/timeline-rows";
import { InviteDialog } from "./InviteDialog";
import { MembersPanel } from "./MembersPanel";
import { RoomSettingsDialog } from "./RoomSettingsDialog";
import { TimelinePane } from "./TimelinePane";
import { openRoom } from "./route";

interface Props {
  model: ChatModel;
  room: RoomSummary;
  /** The seq of a message to show in place and highlight (a search result), if any. */
  focusSeq?: number | null;
}

export function RoomView({ model, room, focusSeq = null }: Props) {
  const roomId = room.room_id;
  const [showMembers, setShowMembers] = useState(false);
  const [showInvites, setShowInvites] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const invites = room.kind === "group" && model.moderates(roomId);
  // What was unread when the user opened the room (the view marks it read at once; what
  // arrives while they look is read as it comes).
  const [unreadAtOpen] = useState({ after: room.last_read_seq, upTo: room.last_seq });
  const timeline = model.timeline(roomId);
  const messages = timeline.messages();
  const notes = timeline.notes();
  const pending = model.pending(roomId);
  // Recomputed only when the messages, the notes or the pending posts change, not on every render.
  const rows = useMemo<TimelineRow[]>(
    () => timelineRows(messages, shownNotes(notes, room.kind), pending, unreadAtOpen, model.me, !timeline.hasOlder),
    [messages, notes, pending.map((post) => post.clientMsgId).join(), timeline.hasOlder],
  );
  const title = model.title(room);
  const noteText = (note: Note) => systemLine(note.event, (userId) => model.person(userId).name, model.me);
  // A message to show: older history is loaded until it is there.
  useEffect(() => {
    if (focusSeq !== null) void revealSeq(model, roomId, focusSeq);
  }, [model, roomId, focusSeq]);

  return (
    <main class="room" aria-label={title}>
      <header class="room-header">
        <button type="button" class="back secondary" aria-label="Back to rooms" onClick={() => openRoom(null)}>
          ←
        </button>
        <h2>{title}</h2>
        {room.topic !== null && (
          <p class="room-topic muted" aria-label="Topic" title={room.description ?? undefined}>
            {room.topic}
          </p>
        )}
        <button type="button" class="secondary" aria-expanded={showMembers} onClick={() => setShowMembers(!showMembers)}>
          Members ({room.member_count})
        </button>
        {invites && (
          <button type="button" class="secondary" aria-expanded={showInvites} onClick={() => setShowInvites(!showInvites)}>
            Invite people
          </button>
        )}
        {invites && (
          <button type="button" class="secondary" aria-expanded={showSettings} onClick={() => setShowSettings(!showSettings)}>
            Room settings
          </button>
        )}
        {room.kind === "group" && room.role !== "owner" && (
          <button type="button" class="secondary" onClick={() => void model.leaveRoom(roomId).then((left) => left && openRoom(null))}>
            Leave
          </button>
        )}
      </header>
      <div class="room-body">
        <div class="timeline">
          <TimelinePane
            model={model}
            roomId={roomId}
            title={title}
            label={`Messages in ${title}`}
            rows={rows}
            noteText={noteText}
            focusSeq={focusSeq}
          />
        </div>
        {showMembers && <MembersPanel model={model} roomId={roomId} />}
        {invites && showInvites && <InviteDialog model={model} roomId={roomId} onClose={() => setShowInvites(false)} />}
        {invites && showSettings && <RoomSettingsDialog model={model} roomId={roomId} onClose={() => setShowSettings(false)} />}
      </div>
    </main>
  );
}
