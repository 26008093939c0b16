/**
 * The room's members with their role and presence, owners and admins first. The owner and
 * admins of a group room also manage it here: add someone by username (people they share a room
 * with are suggested as they type, from the user directory), remove a member they outrank, and
 * (the owner) make a member an admin or back.
 */

import { useState } from "preact/hooks";

import type { MemberView, Role, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { PresenceDot } from "./PresenceDot";
import { useDirectory } from "./use-directory";

const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

export function MembersPanel({ model, roomId }: { model: ChatModel; roomId: RoomId }) {
  const room = model.room(roomId);
  const members = [...model.roomMembers(roomId)].sort(byRoleThenName(model));
  const myRole = room?.role ?? "member";
  const moderates = model.moderates(roomId);
  return (
    <aside class="members" aria-label="Members">
      <h3>Members</h3>
      <ul>
        {members.map((member) => {
          const name = model.person(member.user_id).name;
          const outranked = moderates && member.user_id !== model.me && RANK[myRole] < RANK[member.role];
          return (
            <li key={member.user_id} aria-label={name}>
              <PresenceDot status={model.person(member.user_id).presence} />
              <span class="member-name">{name}</span>
              {member.role !== "member" && <span class="role">{member.role}</span>}
              {outranked && myRole === "owner" && (
                <button
                  type="button"
                  class="link"
                  aria-label={member.role === "admin" ? `Make member ${name}` : `Make admin ${name}`}
                  onClick={() => void model.changeRole(roomId, member.user_id, member.role === "admin" ? "member" : "admin")}
                >
                  {member.role === "admin" ? "Make member" : "Make admin"}
                </button>
              )}
              {outranked && (
                <button type="button" class="link" aria-label={`Remove ${name}`} onClick={() => void model.removeMember(roomId, member.user_id)}>
                  Remove
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {moderates && <AddMember model={model} roomId={roomId} />}
      {room?.kind === "group" && room.visibility === "public" && (
        <p class="muted invite">
          Others find it in the public room directory, or join with the room id <code>{roomId}</code>
        </p>
      )}
      {room?.kind === "group" && room.visibility === "private" && !moderates && <p class="muted invite">Only the owner and admins add people to this private room.</p>}
    </aside>
  );
}

function AddMember({ model, roomId }: { model: ChatModel; roomId: RoomId }) {
  const [username, setUsername] = useState("");
  const id = `add-member-${roomId}`;
  const members = new Set(model.roomMembers(roomId).map((member) => member.user_id));
  const suggestions = useDirectory(model.api, username).filter((user) => !members.has(user.user_id));
  const add = (name: string) =>
    void model.addMember(roomId, name).then((added) => {
      if (added) setUsername("");
    });
  return (
    <>
    <form
      class="one-field add-member"
      onSubmit={(event) => {
        event.preventDefault();
        if (username.trim() === "") return;
        add(username);
      }}
    >
      <label for={id}>Add someone</label>
      <div class="row">
        <input id={id} placeholder="Username" value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
        <button type="submit">Add</button>
      </div>
    </form>
    {suggestions.length > 0 && (
      <ul class="suggestions" aria-label="People to add">
        {suggestions.map((user) => (
          <li key={user.user_id}>
            <button type="button" class="link" onClick={() => add(user.username)}>
              {user.display_name} <span class="muted">@{user.username}</span>
            </button>
          </li>
        ))}
      </ul>
    )}
    </>
  );
}

function byRoleThenName(model: ChatModel): (a: MemberView, b: MemberView) => number {
  return (a, b) => RANK[a.role] - RANK[b.role] || model.person(a.user_id).name.localeCompare(model.person(b.user_id).name);
}
