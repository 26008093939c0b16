/**
 * How system lines read between a room's messages (api.md §4.2, protocol.md §4): "Ada created
 * the room", "Bob joined", "Ada added Bob", "Bob left", "Ada removed Bob", "Ada made Bob an
 * admin", and a support conversation's "Ada assigned it to Bob", "Ada took the conversation",
 * "Ada unassigned it", "Resolved by Ada", "Reopened by Visitor 3F9A"; moderation's "Ada banned Bob:
 * spam", "Ada unbanned Bob", "Ada set the topic: …", "Ada changed the description", "Ada
 * deleted the room"; the user is "You" / "you".
 *
 * The joins a room is created with say nothing the first line does not ("Ada created the
 * room"; a direct room's two members are the room), so [`shownNotes`] leaves them out.
 */

import type { Role, RoomKindName, SystemLineEvent, UserId } from "../../../sdk/src/index";
import type { Note } from "./timeline";

export function systemLine(event: SystemLineEvent, nameOf: (userId: UserId) => string, me: UserId): string {
  const subject = (userId: UserId) => (userId === me ? "You" : nameOf(userId));
  const object = (userId: UserId) => (userId === me ? "you" : nameOf(userId));
  switch (event.type) {
    case "RoomCreated":
      return event.kind.type === "support" ? `${subject(event.created_by)} started the conversation` : `${subject(event.created_by)} created the room`;
    case "MemberJoined":
      return event.added_by === null ? `${subject(event.user_id)} joined` : `${subject(event.added_by)} added ${object(event.user_id)}`;
    case "MemberLeft":
      return event.removed_by === null ? `${subject(event.user_id)} left` : `${subject(event.removed_by)} removed ${object(event.user_id)}`;
    case "MemberRoleChanged":
      return `${subject(event.changed_by)} made ${object(event.user_id)} ${ROLE_NAMES[event.role]}`;
    case "ConversationAssigned":
      if (event.assignee === null) return `${subject(event.assigned_by)} unassigned it`;
      if (event.assignee === event.assigned_by) return `${subject(event.assigned_by)} took the conversation`;
      return `${subject(event.assigned_by)} assigned it to ${object(event.assignee)}`;
    case "ConversationResolved":
      return `Resolved by ${object(event.resolved_by)}`;
    case "ConversationReopened":
      return `Reopened by ${object(event.reopened_by)}`;
    case "MemberBanned":
      return `${subject(event.banned_by)} banned ${object(event.user_id)}${event.reason === null ? "" : `: ${event.reason}`}`;
    case "MemberUnbanned":
      return `${subject(event.unbanned_by)} unbanned ${object(event.user_id)}`;
    case "RoomTopicChanged":
      return event.topic === null ? `${subject(event.changed_by)} cleared the topic` : `${subject(event.changed_by)} set the topic: ${event.topic}`;
    case "RoomDescriptionChanged":
      return `${subject(event.changed_by)} ${event.description === null ? "cleared" : "changed"} the description`;
    case "RoomDeleted":
      return `${subject(event.deleted_by)} deleted the room`;
  }
}

const ROLE_NAMES: { readonly [R in Role]: string } = { owner: "the owner", admin: "an admin", member: "a member" };

/**
 * The notes worth a line: all but the joins of the room's creation (its creator's, a direct
 * room's two members', a support conversation's visitor's: by themselves, in the creation's
 * commit, so at its very moment), a direct room's creation, and the removal that follows a ban
 * (its `MemberLeft`, the next event: "Ada banned Bob" says it).
 */
export function shownNotes(notes: readonly Note[], kind: RoomKindName): Note[] {
  const created = notes.find((note) => note.event.type === "RoomCreated");
  const bans = new Map(notes.filter((note) => note.event.type === "MemberBanned").map((note) => [note.seq, note.event]));
  return notes.filter(({ at, seq, event }) => {
    if (event.type === "RoomCreated") return kind !== "direct";
    if (event.type === "MemberJoined" && event.added_by === null) return created === undefined || at !== created.at;
    if (event.type === "MemberLeft") {
      const ban = bans.get(seq - 1);
      return ban?.type !== "MemberBanned" || ban.user_id !== event.user_id;
    }
    return true;
  });
}
