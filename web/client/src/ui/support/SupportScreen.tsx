/**
 * The Support area: the user's support-chat websites (`#/support`), or one of them at one
 * section (`#/support/<id>/<section>`). Loaded on first use (`LazySupport`), with its model.
 */

import { useState } from "preact/hooks";

import type { UserId, WebsiteId } from "../../../../sdk/src/index";
import { Websites, type WebsitesApi } from "../../model/websites";
import type { WebsiteSection } from "../route";
import { useModel } from "../use-model";
import { WebsiteList } from "./WebsiteList";
import { WebsitePage } from "./WebsitePage";

export interface SupportProps {
  api: WebsitesApi;
  me: UserId;
  websiteId: WebsiteId | null;
  section: WebsiteSection;
}

export function SupportScreen({ api, me, websiteId, section }: SupportProps) {
  const [websites] = useState(() => new Websites(api, me));
  useModel(websites);
  return websiteId === null ? (
    <WebsiteList websites={websites} />
  ) : (
    <WebsitePage key={websiteId} websites={websites} websiteId={websiteId} section={section} />
  );
}
