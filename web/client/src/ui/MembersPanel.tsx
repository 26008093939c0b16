/** The room's members with their role and presence, owners and admins first. */

import type { MemberView, Role, RoomId } from "../../../sdk/src/index";
import type { ChatModel } from "../model/chat-model";
import { PresenceDot } from "./PresenceDot";

const RANK: Record<Role, number> = { owner: 0, admin: 1, member: 2 };

export function MembersPanel({ model, roomId }: { model: ChatModel; roomId: RoomId }) {
  const members = [...model.roomMembers(roomId)].sort(byRoleThenName(model));
  return (
    <aside class="members" aria-label="Members">
      <h3>Members</h3>
      <ul>
        {members.map((member) => (
          <li key={member.user_id}>
            <PresenceDot status={model.person(member.user_id).presence} />
            <span class="member-name">{model.person(member.user_id).name}</span>
            {member.role !== "member" && <span class="role">{member.role}</span>}
          </li>
        ))}
      </ul>
      {model.room(roomId)?.kind === "group" && (
        <p class="muted invite">
          Others join with the room id <code>{roomId}</code>
        </p>
      )}
    </aside>
  );
}

function byRoleThenName(model: ChatModel): (a: MemberView, b: MemberView) => number {
  return (a, b) => RANK[a.role] - RANK[b.role] || model.person(a.user_id).name.localeCompare(model.person(b.user_id).name);
}
