/**
 * The room's members with their role and presence, owners and admins first. The owner and
 * admins of a group room also manage it here: add someone by username (people they share a room
 * with are suggested as they type, from the user directory), remove or ban a member they outrank
 * (a ban keeps them out until lifted, api.md §3.13), lift bans, and (the owner) make a member an
 * admin or back.
 */

import { useEffect, useState } from "preact/hooks";

import type { Ban, MemberView, Role, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { PresenceDot } from "./PresenceDot";
import { useDirectory } from "./use-directory";

const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

export function MembersPanel({ model, roomId }: { model: ChatModel; roomId: RoomId }) {
  const room = model.room(roomId);
  const members = [...model.roomMembers(roomId)].sort(byRoleThenName(model));
  const myRole = room?.role ?? "member";
  const moderates = model.moderates(roomId);
  const { bans, ban, unban } = useBans(model, roomId, moderates);
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
              {outranked && (
                <button type="button" class="link" aria-label={`Ban ${name}`} onClick={() => void ban(member)}>
                  Ban
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {moderates && <AddMember model={model} roomId={roomId} />}
      {moderates && <Banned model={model} bans={bans} unban={unban} />}
      {room?.kind === "group" && room.visibility === "public" && (
        <p class="muted invite">
          Others find it in the public room directory, or join with the room id <code>{roomId}</code>
        </p>
      )}
      {room?.kind === "group" && room.visibility === "private" && !moderates && <p class="muted invite">Only the owner and admins add people to this private room.</p>}
    </aside>
  );
}

/**
 * The room's bans, for its moderators: read from the bans read model when the panel opens; a
 * ban made or lifted here shows at once (the read model trails the commands by a moment).
 */
function useBans(model: ChatModel, roomId: RoomId, moderates: boolean) {
  const [bans, setBans] = useState<Ban[]>([]);
  useEffect(() => {
    if (moderates) model.api.bans(roomId).then(setBans, () => setBans([]));
  }, [model, roomId, moderates]);
  const ban = async (member: MemberView) => {
    if (!(await model.banMember(roomId, member.user_id))) return;
    const { user_id, username, display_name } = member;
    const made: Ban = { user_id, username, display_name, banned_by: model.me, reason: null, banned_at: new Date().toISOString() };
    setBans((listed) => [made, ...listed.filter((other) => other.user_id !== user_id)]);
  };
  const unban = async (banned: Ban) => {
    if (await model.unbanMember(roomId, banned.user_id)) setBans((listed) => listed.filter((other) => other.user_id !== banned.user_id));
  };
  return { bans, ban, unban };
}

function Banned({ model, bans, unban }: { model: ChatModel; bans: Ban[]; unban: (ban: Ban) => Promise<void> }) {
  if (bans.length === 0) return null;
  return (
    <>
      <h4>Banned</h4>
      <ul aria-label="Banned">
        {bans.map((ban) => {
          const name = ban.display_name ?? ban.username ?? model.person(ban.user_id).name;
          return (
            <li key={ban.user_id} aria-label={name}>
              <span class="member-name">{name}</span>
              {ban.reason !== null && <span class="muted">: {ban.reason}</span>}
              <button type="button" class="link" aria-label={`Unban ${name}`} onClick={() => void unban(ban)}>
                Unban
              </button>
            </li>
          );
        })}
      </ul>
    </>
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
