/**
 * One support conversation, as an agent works it: the visitor and where the conversation stands
 * (open or resolved, and whose it is), the actions (Join for an agent not in it; Assign to me,
 * Transfer, Unassign, Resolve, Reopen), the history with its system lines (assignments,
 * resolutions, reopenings), who is typing and the composer, and beside them the visitor's
 * details (their email, the website's id for them if it vouched for who they are, and the page,
 * referrer, language and browser they came with). Looking at it marks it read.
 */

import { useEffect, useId, useMemo, useState } from "preact/hooks";

import type { AgentView, InboxConversation, UserId, WebsiteDetail } from "../../../../sdk/src/index";
import type { ChatModel } from "../../model/chat-model";
import { type Inbox, visitorName } from "../../model/inbox";
import { shownNotes, systemLine } from "../../model/system-lines";
import type { Note } from "../../model/timeline";
import { type TimelineRow, timelineRows } from "../../model/timeline-rows";
import { browserText, languageText, mailtoHref } from "../../model/visitor-context";
import type { Outcome } from "../../model/websites";
import { PresenceDot } from "../PresenceDot";
import { TimelinePane } from "../TimelinePane";
import { websiteHref } from "../route";
import { VerifiedBadge } from "./VerifiedBadge";

/** No "New messages" line here: the conversation is marked read as it opens. */
const NONE_UNREAD = { after: Number.POSITIVE_INFINITY, upTo: 0 };

/** Wide enough for the visitor's details beside the conversation from the start. */
const WIDE = "(min-width: 1400px)";

interface Props {
  model: ChatModel;
  inbox: Inbox;
  detail: WebsiteDetail;
  conversation: InboxConversation;
  nameOf: (userId: UserId) => string;
  refreshTeam: () => void;
}

export function ConversationView({ model, inbox, detail, conversation, nameOf, refreshTeam }: Props) {
  const roomId = conversation.room_id;
  const joined = conversation.joined;
  const name = visitorName(conversation);
  useEffect(() => {
    if (!joined) return;
    model.viewConversation(roomId, conversation.visitor_id);
    return () => model.viewConversation(null);
  }, [model, roomId, joined, conversation.visitor_id]);
  const [showContext, setShowContext] = useState(() => matchMedia(WIDE).matches);
  const timeline = model.timeline(roomId);
  const messages = timeline.messages();
  const notes = timeline.notes();
  const pending = model.pending(roomId);
  const rows = useMemo<TimelineRow[]>(
    () => timelineRows(messages, shownNotes(notes, "support"), pending, NONE_UNREAD, model.me, !timeline.hasOlder),
    [messages, notes, pending.map((post) => post.clientMsgId).join(), timeline.hasOlder],
  );
  const nameInRoom = (userId: UserId) => (userId === conversation.visitor_id ? name : nameOf(userId));
  const noteText = (note: Note) => systemLine(note.event, nameInRoom, model.me);

  return (
    <div class="conversation" role="region" aria-label={`Conversation with ${name}`}>
      <header class="conversation-header">
        <a href={websiteHref(detail.website_id, "inbox")} class="back-link inbox-back" aria-label="Back to the conversations">
          ←
        </a>
        <div class="conversation-heading">
          <h3>
            <PresenceDot status={conversation.visitor_presence} />
            <span class="visitor-name">{name}</span>
            <VerifiedBadge conversation={conversation} />
          </h3>
          <p class="muted">{standing(conversation, model.me, nameOf)}</p>
        </div>
        <button type="button" class="secondary" aria-expanded={showContext} onClick={() => setShowContext(!showContext)}>
          Visitor details
        </button>
      </header>
      <Actions inbox={inbox} conversation={conversation} agents={detail.agents} me={model.me} refreshTeam={refreshTeam} />
      <div class="conversation-body">
        <div class="timeline">
          {!joined ? (
            <div class="join-prompt">
              <p>You joined the team after this conversation started: join it to read and answer it.</p>
            </div>
          ) : (
            <TimelinePane model={model} roomId={roomId} title={name} label={`Messages with ${name}`} rows={rows} noteText={noteText} />
          )}
        </div>
        {showContext && <VisitorContext conversation={conversation} />}
      </div>
    </div>
  );
}

/** "Open · Assigned to you", "Open · Unassigned", "Resolved · Was Ada's". */
function standing(conversation: InboxConversation, me: UserId, nameOf: (userId: UserId) => string): string {
  const assignee = conversation.assignee_id;
  const whose = assignee === null ? "Unassigned" : `Assigned to ${assignee === me ? "you" : nameOf(assignee)}`;
  return `${conversation.status === "open" ? "Open" : "Resolved"} · ${whose}`;
}

interface ActionsProps {
  inbox: Inbox;
  conversation: InboxConversation;
  agents: readonly AgentView[];
  me: UserId;
  refreshTeam: () => void;
}

function Actions({ inbox, conversation, agents, me, refreshTeam }: ActionsProps) {
  const transferId = useId();
  const roomId = conversation.room_id;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const others = agents.filter((agent) => agent.user_id !== conversation.assignee_id && agent.user_id !== me);
  const [target, setTarget] = useState("");
  const act = async (run: () => Promise<Outcome>) => {
    setBusy(true);
    setProblem(null);
    const done = await run();
    setBusy(false);
    if (!done.ok) setProblem(done.problem);
  };
  const open = conversation.status === "open";
  const assignee = conversation.assignee_id;
  return (
    <div class="conversation-actions">
      <div class="row" role="group" aria-label="Conversation actions">
        {!conversation.joined && (
          <button type="button" disabled={busy} onClick={() => void act(() => inbox.join(roomId))}>
            Join
          </button>
        )}
        {open && assignee !== me && (
          <button type="button" class={conversation.joined ? undefined : "secondary"} disabled={busy} onClick={() => void act(() => inbox.take(roomId))}>
            Assign to me
          </button>
        )}
        {open && assignee !== null && (
          <button type="button" class="secondary" disabled={busy || !conversation.joined} onClick={() => void act(() => inbox.assign(roomId, null))}>
            Unassign
          </button>
        )}
        {open ? (
          <button type="button" class="secondary" disabled={busy || !conversation.joined} onClick={() => void act(() => inbox.resolve(roomId))}>
            Resolve
          </button>
        ) : (
          <button type="button" class="secondary" disabled={busy || !conversation.joined} onClick={() => void act(() => inbox.reopen(roomId))}>
            Reopen
          </button>
        )}
      </div>
      {open && others.length > 0 && (
        <form
          class="row transfer"
          onSubmit={(event) => {
            event.preventDefault();
            if (target !== "") void act(() => inbox.assign(roomId, target)).then(() => setTarget(""));
          }}
        >
          <label for={transferId}>Transfer to</label>
          <select id={transferId} value={target} onFocus={refreshTeam} onChange={(event) => setTarget(event.currentTarget.value)}>
            <option value="">Choose an agent…</option>
            {others.map((agent) => (
              <option key={agent.user_id} value={agent.user_id}>
                {agent.display_name} (@{agent.username})
              </option>
            ))}
          </select>
          <button type="submit" class="secondary" disabled={busy || target === "" || !conversation.joined}>
            Transfer
          </button>
        </form>
      )}
      <p role="status" class={problem === null ? "action-note" : "action-note problem"}>
        {problem}
      </p>
    </div>
  );
}

function VisitorContext({ conversation }: { conversation: InboxConversation }) {
  const language = languageText(conversation.language);
  return (
    <aside class="visitor-context" aria-labelledby="visitor-context-title">
      <h4 id="visitor-context-title">Visitor details</h4>
      <dl>
        <dt>Email</dt>
        <dd>
          {conversation.visitor_email === null ? (
            <span class="muted">Not given</span>
          ) : (
            <a href={mailtoHref(conversation.visitor_email)}>{conversation.visitor_email}</a>
          )}
        </dd>
        <dt>Website's id for them</dt>
        <dd>{conversation.visitor_external_id ?? <span class="muted">None: not identified by the website</span>}</dd>
        <dt>Page</dt>
        <dd>
          <WebLink url={conversation.page_url} />
        </dd>
        <dt>Referrer</dt>
        <dd>
          <WebLink url={conversation.referrer} />
        </dd>
        <dt>Language</dt>
        <dd>{language === null ? "Unknown" : language === conversation.language ? language : `${language} (${conversation.language ?? ""})`}</dd>
        <dt>Browser</dt>
        <dd title={conversation.user_agent ?? undefined}>{browserText(conversation.user_agent) ?? conversation.user_agent ?? "Unknown"}</dd>
        <dt>Started</dt>
        <dd>
          <time dateTime={conversation.created_at}>{new Date(conversation.created_at).toLocaleString()}</time>
        </dd>
      </dl>
    </aside>
  );
}

/** A web address as a link (http and https only; anything else as text). */
function WebLink({ url }: { url: string | null }) {
  if (url === null) return <span class="muted">Unknown</span>;
  if (!/^https?:\/\//i.test(url)) return <span>{url}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer nofollow">
      {url}
    </a>
  );
}
