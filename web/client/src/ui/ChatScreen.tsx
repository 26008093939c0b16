/**
 * The logged-in layout: the connection banner, the room list, and the open room or the Support
 * area (the user's support-chat websites). Side by side on a wide screen; on a phone, one at a
 * time (the URL says which).
 */

import { useEffect } from "preact/hooks";

import type { ChatModel } from "../model/chat-model";
import { ConnectionBanner } from "./ConnectionBanner";
import { InvitePage } from "./InvitePage";
import { RoomList } from "./RoomList";
import { RoomView } from "./RoomView";
import { useRoute } from "./route";
import { LazySupport } from "./support/LazySupport";
import { useModel } from "./use-model";

const TITLE = "Chat";

interface Props {
  model: ChatModel;
  onLogOut: () => void;
}

export function ChatScreen({ model, onLogOut }: Props) {
  useModel(model);
  const route = useRoute();
  const roomId = route.view === "rooms" ? route.roomId : null;
  const focusSeq = route.view === "rooms" ? (route.focusSeq ?? null) : null;
  useEffect(() => model.view(roomId), [model, roomId]);
  // The tab says how many messages wait, as chat apps' tabs do, and the support conversations
  // that wait for the user (nobody's, or theirs with unread messages).
  const unread = model.roomList().reduce((sum, entry) => sum + entry.unread_count, 0) + model.supportWaiting;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${TITLE}` : TITLE;
    return () => {
      document.title = TITLE;
    };
  }, [unread]);
  const room = roomId === null ? undefined : model.room(roomId);

  return (
    <div class={route.view === "support" ? "chat has-support" : route.view === "invite" || room !== undefined ? "chat has-room" : "chat"}>
      <ConnectionBanner model={model} />
      {model.problem !== null && (
        <div role="alert" class="problem-bar">
          {model.problem}
          <button type="button" class="link" onClick={() => model.dismissProblem()}>
            Dismiss
          </button>
        </div>
      )}
      <div class="panes">
        <RoomList model={model} openRoomId={roomId} supportOpen={route.view === "support"} onLogOut={onLogOut} />
        {route.view === "invite" ? (
          <InvitePage key={route.code} model={model} code={route.code} />
        ) : route.view === "support" ? (
          <LazySupport model={model} websiteId={route.websiteId} section={route.section} conversationId={route.conversationId} />
        ) : room === undefined ? (
          <main class="room empty-room">
            <p>{roomId === null ? "Choose a room, or start a conversation." : "Loading the room…"}</p>
          </main>
        ) : (
          <RoomView key={room.room_id} model={model} room={room} focusSeq={focusSeq} />
        )}
      </div>
    </div>
  );
}
