/**
 * A website's inbox: its visitors' conversations (Open, Mine, Unassigned, Resolved, with their
 * counts where the lists give them), each with the visitor, their presence and whether the
 * website vouched for who they are (Verified), the last message and its time, the unread count,
 * who has it and the page it started on; beside them (on a phone: instead of them) the
 * conversation open in the URL. Kept live by the session's events.
 */

import { useEffect } from "preact/hooks";

import { INBOX_FILTERS, type InboxConversation, type InboxFilter, type RoomId, type UserId, type WebsiteDetail } from "../../../../sdk/src/index";
import type { ChatModel } from "../../model/chat-model";
import { clock, dayKey } from "../../model/days";
import { type Inbox, visitorName } from "../../model/inbox";
import { hostOf } from "../../model/visitor-context";
import { PresenceDot } from "../PresenceDot";
import { conversationHref } from "../route";
import { useModel } from "../use-model";
import { ConversationView } from "./ConversationView";
import { VerifiedBadge } from "./VerifiedBadge";

const FILTER_NAME: Record<InboxFilter, string> = { open: "Open", mine: "Mine", unassigned: "Unassigned", resolved: "Resolved" };

const EMPTY: Record<InboxFilter, string> = {
  open: "No open conversations. New ones appear here as visitors write.",
  mine: "No open conversations are assigned to you.",
  unassigned: "Every open conversation has someone.",
  resolved: "No resolved conversations.",
};

interface Props {
  model: ChatModel;
  inbox: Inbox;
  detail: WebsiteDetail;
  conversationId: RoomId | null;
  /** Reads the website's team again (before a transfer: agents may have joined since). */
  refreshTeam: () => void;
}

export function InboxSection({ model, inbox, detail, conversationId, refreshTeam }: Props) {
  useModel(inbox);
  useEffect(() => inbox.start(model), [inbox, model]);
  useEffect(() => inbox.want(conversationId), [inbox, conversationId]);
  const conversations = inbox.list();
  const open = conversationId === null ? undefined : inbox.get(conversationId);
  const nameOf = agentNamer(model, detail);
  return (
    <section class={conversationId === null ? "inbox" : "inbox has-conversation"} aria-labelledby="inbox-title">
      <div class="inbox-list">
        <h3 id="inbox-title">Inbox</h3>
        <div class="inbox-filters" role="group" aria-label="Show conversations">
          {INBOX_FILTERS.map((filter) => {
            const count = inbox.count(filter);
            return (
              <button key={filter} type="button" class="secondary" aria-pressed={inbox.filter === filter} onClick={() => inbox.setFilter(filter)}>
                {FILTER_NAME[filter]}
                {count !== null && <span class="count">{count}</span>}
              </button>
            );
          })}
        </div>
        {inbox.problem !== null && (
          <p role="alert" class="problem">
            {inbox.problem}
          </p>
        )}
        {!inbox.loaded() ? (
          <p class="muted">Loading conversations…</p>
        ) : conversations.length === 0 ? (
          <p class="muted">{EMPTY[inbox.filter]}</p>
        ) : (
          <ul class="conversation-list" aria-label="Conversations">
            {conversations.map((conversation) => (
              <ConversationEntry
                key={conversation.room_id}
                me={model.me}
                conversation={conversation}
                websiteId={detail.website_id}
                current={conversation.room_id === conversationId}
                nameOf={nameOf}
              />
            ))}
          </ul>
        )}
      </div>
      {conversationId === null ? (
        <div class="conversation conversation-none">
          <p class="muted">Choose a conversation to read and answer it.</p>
        </div>
      ) : open === undefined ? (
        <div class="conversation conversation-none">
          <p class="muted">{inbox.missing(conversationId) ? "This conversation is not in the website's inbox." : "Loading the conversation…"}</p>
        </div>
      ) : (
        <ConversationView
          key={conversationId}
          model={model}
          inbox={inbox}
          detail={detail}
          conversation={open}
          nameOf={nameOf}
          refreshTeam={refreshTeam}
        />
      )}
    </section>
  );
}

interface EntryProps {
  me: UserId;
  conversation: InboxConversation;
  websiteId: string;
  current: boolean;
  nameOf: (userId: UserId) => string;
}

function ConversationEntry({ me, conversation, websiteId, current, nameOf }: EntryProps) {
  const host = hostOf(conversation.page_url);
  const at = conversation.last_message_at ?? conversation.last_activity_at;
  const author = conversation.last_message_author;
  const by = author === null || author === conversation.visitor_id ? "" : `${author === me ? "You" : nameOf(author)}: `;
  const assignee = conversation.assignee_id;
  return (
    <li>
      <a href={conversationHref(websiteId, conversation.room_id)} class="conversation-entry" aria-current={current ? "page" : undefined}>
        <span class="conversation-name">
          <PresenceDot status={conversation.visitor_presence} />
          <span class="visitor-name">{visitorName(conversation)}</span>
          <VerifiedBadge conversation={conversation} />
        </span>
        <time dateTime={at}>{shortTime(at)}</time>
        <span class="conversation-preview">{conversation.last_message_preview === null ? "No messages yet" : by + conversation.last_message_preview}</span>
        {conversation.unread_count > 0 && (
          <span class="badge" aria-label={`${conversation.unread_count} unread`}>
            {conversation.unread_count}
          </span>
        )}
        <span class="conversation-meta">
          <span class={assignee === null ? "assignee none" : "assignee"}>{assignee === null ? "Unassigned" : assignee === me ? "You" : nameOf(assignee)}</span>
          {host !== null && <span class="page-host">{host}</span>}
          {!conversation.joined && <span>Not joined</span>}
        </span>
      </a>
    </li>
  );
}

/** Names of people by id: the website's team as the website lists it, else as the chat knows them. */
function agentNamer(model: ChatModel, detail: WebsiteDetail): (userId: UserId) => string {
  const team = new Map(detail.agents.map((agent) => [agent.user_id, agent.display_name]));
  return (userId) => team.get(userId) ?? model.person(userId).name;
}

/** The time for today, the date otherwise. */
function shortTime(at: string): string {
  return dayKey(at) === dayKey(new Date()) ? clock(at) : new Date(at).toLocaleDateString([], { month: "short", day: "numeric" });
}
