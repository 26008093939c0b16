/**
 * How a support conversation's assignments, resolutions and reopenings read as lines between
 * its messages (protocol.md §4): "Ada assigned it to Bob", "Ada took the conversation", "Ada
 * unassigned it", "Resolved by Ada", "Reopened by Visitor 3F9A"; the user is "You" / "you".
 */

import type { UserId } from "../../../sdk/src/index";
import type { Note } from "./timeline";

export function systemLine(event: Note["event"], nameOf: (userId: UserId) => string, me: UserId): string {
  const subject = (userId: UserId) => (userId === me ? "You" : nameOf(userId));
  const object = (userId: UserId) => (userId === me ? "you" : nameOf(userId));
  switch (event.type) {
    case "ConversationAssigned":
      if (event.assignee === null) return `${subject(event.assigned_by)} unassigned it`;
      if (event.assignee === event.assigned_by) return `${subject(event.assigned_by)} took the conversation`;
      return `${subject(event.assigned_by)} assigned it to ${object(event.assignee)}`;
    case "ConversationResolved":
      return `Resolved by ${object(event.resolved_by)}`;
    case "ConversationReopened":
      return `Reopened by ${object(event.reopened_by)}`;
  }
}
