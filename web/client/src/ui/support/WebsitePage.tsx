/**
 * One website: its name and the user's role above links to its sections (Install, Domains,
 * Widget, Team, and the Inbox of visitors' conversations). The owner changes everything here;
 * an agent sees the same read-only, may leave the team, and answers visitors as the owner does.
 * Install also holds identity verification, for the owner only: its secret is theirs alone.
 */

import { useEffect, useState } from "preact/hooks";

import type { RoomId, WebsiteDetail, WebsiteId } from "../../../../sdk/src/index";
import type { ChatModel } from "../../model/chat-model";
import type { Inbox } from "../../model/inbox";
import type { Websites } from "../../model/websites";
import { SUPPORT_HREF, WEBSITE_SECTIONS, type WebsiteSection, websiteHref } from "../route";
import { DomainsSection } from "./DomainsSection";
import { IdentitySection } from "./IdentitySection";
import { InboxSection } from "./InboxSection";
import { InstallSection } from "./InstallSection";
import { OneFieldForm } from "./OneFieldForm";
import { TeamSection } from "./TeamSection";
import { WidgetSection } from "./WidgetSection";

const SECTION_NAME: Record<WebsiteSection, string> = {
  install: "Install",
  domains: "Domains",
  widget: "Widget",
  team: "Team",
  inbox: "Inbox",
};

interface Props {
  model: ChatModel;
  websites: Websites;
  inbox: Inbox;
  websiteId: WebsiteId;
  section: WebsiteSection;
  conversationId: RoomId | null;
}

export function WebsitePage({ model, websites, inbox, websiteId, section, conversationId }: Props) {
  useEffect(() => void websites.load(websiteId), [websites, websiteId]);
  const detail = websites.detail(websiteId);
  if (detail === undefined || detail === "missing") {
    return (
      <main class="support" aria-label="Website">
        <header class="room-header">
          <a href={SUPPORT_HREF} class="back-link">
            ← Websites
          </a>
        </header>
        <div class="support-body">
          <p class="muted">{detail === undefined ? "Loading the website…" : "This website is not one of yours, or no longer exists."}</p>
        </div>
      </main>
    );
  }
  return (
    <main class={section === "inbox" ? "support inbox-page" : "support"} aria-label={detail.name}>
      <WebsiteHeader websites={websites} detail={detail} />
      <nav class="section-tabs" aria-label="Website sections">
        <ul>
          {WEBSITE_SECTIONS.map((name) => (
            <li key={name}>
              <a href={websiteHref(websiteId, name)} aria-current={name === section ? "page" : undefined}>
                {SECTION_NAME[name]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {section === "inbox" ? (
        <InboxSection
          model={model}
          inbox={inbox}
          detail={detail}
          conversationId={conversationId}
          refreshTeam={() => void websites.load(websiteId)}
        />
      ) : (
        <div class="support-body">
          {detail.role === "agent" && <p class="note">You are an agent of this website: only its owner changes it.</p>}
          {section === "install" && <InstallSection detail={detail} />}
          {section === "install" && detail.role === "owner" && <IdentitySection websites={websites} detail={detail} />}
          {section === "domains" && <DomainsSection websites={websites} detail={detail} />}
          {section === "widget" && <WidgetSection websites={websites} detail={detail} />}
          {section === "team" && <TeamSection websites={websites} detail={detail} />}
        </div>
      )}
    </main>
  );
}

function WebsiteHeader({ websites, detail }: { websites: Websites; detail: WebsiteDetail }) {
  const [renaming, setRenaming] = useState(false);
  return (
    <header class="room-header website-header">
      <a href={SUPPORT_HREF} class="back-link">
        ← Websites
      </a>
      {renaming ? (
        <OneFieldForm
          label="Website name"
          placeholder="Website name"
          action="Save"
          busyAction="Saving…"
          maxLength={100}
          initial={detail.name}
          onCancel={() => setRenaming(false)}
          onSubmit={async (name) => {
            const renamed = await websites.rename(detail.website_id, name);
            if (renamed.ok) setRenaming(false);
            return renamed;
          }}
        />
      ) : (
        <>
          <h2>{detail.name}</h2>
          <span class="role">{detail.role}</span>
          {detail.role === "owner" && (
            <button type="button" class="secondary" onClick={() => setRenaming(true)}>
              Rename
            </button>
          )}
        </>
      )}
    </header>
  );
}
