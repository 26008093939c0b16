/**
 * "Verified" beside a visitor's name, in the inbox's rows and the conversation's header, when
 * the website's server vouched for who they are (identity verification, api.md §12.4): a word,
 * not a colour, so that it reads the same to everyone; the website's id for them is its title
 * here and is spelled out in the visitor's details.
 */

import type { InboxConversation } from "../../../../sdk/src/index";
import { identifiedAs } from "../../model/inbox";

export function VerifiedBadge({ conversation }: { conversation: InboxConversation }) {
  const title = identifiedAs(conversation);
  if (title === null) return null;
  return (
    <span class="verified" title={title}>
      Verified
    </span>
  );
}
