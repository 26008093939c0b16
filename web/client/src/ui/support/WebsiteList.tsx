/**
 * The user's websites, by name, with their role and how many domains are verified, and the
 * form that registers a new one (which then opens at its Install section).
 */

import { useEffect } from "preact/hooks";

import type { Websites } from "../../model/websites";
import { domainCountText } from "../../model/verification";
import { navigate, openRoom, websiteHref } from "../route";
import { OneFieldForm } from "./OneFieldForm";

export function WebsiteList({ websites }: { websites: Websites }) {
  useEffect(() => void websites.loadList(), [websites]);
  const list = websites.list;
  return (
    <main class="support" aria-labelledby="support-title">
      <header class="room-header">
        <button type="button" class="back secondary" aria-label="Back to rooms" onClick={() => openRoom(null)}>
          ←
        </button>
        <h2 id="support-title">Support</h2>
      </header>
      <div class="support-body">
        <p class="muted">
          Chat with the visitors of your websites: install the widget, prove that the domains are yours, set the widget up and add
          agents to answer.
        </p>
        {websites.listProblem !== null && (
          <p role="alert" class="problem">
            {websites.listProblem}
          </p>
        )}
        {list === null ? (
          websites.listProblem === null && <p class="muted">Loading your websites…</p>
        ) : list.length === 0 ? (
          <p class="muted">No websites yet.</p>
        ) : (
          <ul class="website-list" aria-label="Your websites">
            {list.map((website) => (
              <li key={website.website_id}>
                <a href={websiteHref(website.website_id)} class="website-entry">
                  <span class="website-name">{website.name}</span>
                  <span class="role">{website.role}</span>
                  <span class="muted website-domains">{domainCountText(website.verified_domain_count, website.domain_count)}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
        <OneFieldForm
          label="New website"
          placeholder="Website name"
          action="Create"
          busyAction="Creating…"
          maxLength={100}
          onSubmit={async (name) => {
            const created = await websites.create(name);
            if (created.ok) navigate(websiteHref(created.value));
            return created;
          }}
        />
      </div>
    </main>
  );
}
