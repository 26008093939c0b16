/**
 * The website's team: its owner and agents with their roles. The owner adds agents by username
 * and removes them; an agent may leave (and no longer sees the website).
 */

import { useState } from "preact/hooks";

import type { AgentView, WebsiteDetail } from "../../../../sdk/src/index";
import type { Websites } from "../../model/websites";
import { SUPPORT_HREF, navigate } from "../route";
import { OneFieldForm } from "./OneFieldForm";

interface Props {
  websites: Websites;
  detail: WebsiteDetail;
}

export function TeamSection({ websites, detail }: Props) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const owner = detail.role === "owner";
  const remove = async (agent: AgentView) => {
    setBusy(true);
    setProblem(null);
    const removed = await websites.removeAgent(detail.website_id, agent.user_id);
    setBusy(false);
    if (!removed.ok) setProblem(removed.problem);
    else if (agent.user_id === websites.me) navigate(SUPPORT_HREF);
  };
  return (
    <section class="support-section" aria-labelledby="team-title">
      <h3 id="team-title">Team</h3>
      <p class="muted">The owner changes the website; agents answer its visitors.</p>
      <ul class="team" aria-label="Team">
        {detail.agents.map((agent) => {
          const me = agent.user_id === websites.me;
          return (
            <li key={agent.user_id} aria-label={agent.display_name}>
              <span class="member-name">{agent.display_name}</span>
              <span class="muted">@{agent.username}</span>
              <span class="role">{agent.role}</span>
              {me && <span class="muted">(you)</span>}
              {owner && agent.role === "agent" && (
                <button type="button" class="link" aria-label={`Remove ${agent.display_name}`} disabled={busy} onClick={() => void remove(agent)}>
                  Remove
                </button>
              )}
              {!owner && me && (
                <button type="button" class="secondary" disabled={busy} onClick={() => void remove(agent)}>
                  Leave
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {problem !== null && (
        <p role="alert" class="problem">
          {problem}
        </p>
      )}
      {owner && (
        <OneFieldForm
          label="Add an agent"
          placeholder="Username"
          action="Add"
          busyAction="Adding…"
          maxLength={33}
          hint="They need an account here; they see the website and answer its visitors, but cannot change it."
          onSubmit={(username) => websites.addAgent(detail.website_id, username)}
        />
      )}
    </section>
  );
}
