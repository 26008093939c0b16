/**
 * The Support area: the user's support-chat websites (`#/support`), one of them at one section
 * (`#/support/<id>/<section>`), or a conversation in its inbox (`#/support/<id>/inbox/<room>`).
 * Loaded on first use (`LazySupport`), with its models: the websites, and each website's inbox
 * once opened (kept while the area is, so that its filter and what it read survive a tab change).
 */

import { useState } from "preact/hooks";

import type { RoomId, WebsiteId } from "../../../../sdk/src/index";
import type { ChatModel } from "../../model/chat-model";
import { Inbox } from "../../model/inbox";
import { Websites } from "../../model/websites";
import type { WebsiteSection } from "../route";
import { useModel } from "../use-model";
import { WebsiteList } from "./WebsiteList";
import { WebsitePage } from "./WebsitePage";

export interface SupportProps {
  model: ChatModel;
  websiteId: WebsiteId | null;
  section: WebsiteSection;
  conversationId: RoomId | null;
}

export function SupportScreen({ model, websiteId, section, conversationId }: SupportProps) {
  const [websites] = useState(() => new Websites(model.api, model.me));
  const [inboxes] = useState(() => new Map<WebsiteId, Inbox>());
  useModel(websites);
  if (websiteId === null) return <WebsiteList websites={websites} />;
  let inbox = inboxes.get(websiteId);
  if (inbox === undefined) {
    inbox = new Inbox(model.api, websiteId, model.me);
    inboxes.set(websiteId, inbox);
  }
  return (
    <WebsitePage
      key={websiteId}
      model={model}
      websites={websites}
      inbox={inbox}
      websiteId={websiteId}
      section={section}
      conversationId={conversationId}
    />
  );
}
