/**
 * The widget page's entry point (`/widget/{website_id}?<snippet options>`, framed by the
 * loader): the website from the path, the options from the query, the SDK wired to this origin
 * and the configured gateways, the model started and drawn.
 */

import { render } from "preact";

import { findGateways } from "../../../client/src/gateways";
import { isWebsiteId, parseOptions } from "../options";
import { App } from "../ui/App";
import { WidgetModel } from "./model";
import { usableStorage } from "./storage";
import { ensureRandomUuid } from "./uuid";
import "../styles.css";

const websiteId = decodeURIComponent(/^\/widget\/([^/]+)\/?$/.exec(location.pathname)?.[1] ?? "");
const root = document.getElementById("widget");
if (isWebsiteId(websiteId) && root !== null) {
  ensureRandomUuid();
  let gateways: Promise<string[]> | null = null;
  const model = new WidgetModel({
    websiteId,
    snippet: parseOptions(new URLSearchParams(location.search)),
    baseUrl: location.origin,
    storage: usableStorage("localStorage"),
    tabStorage: usableStorage("sessionStorage"),
    languages: navigator.languages.length > 0 ? navigator.languages : [navigator.language],
    gateways: () => (gateways ??= findGateways(location, location.origin)),
  });
  render(<App model={model} />, root);
  void model.start();
}
