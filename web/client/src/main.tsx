/**
 * The page's entry point: applies the colour theme, finds the gateways (`/v1/client-config`,
 * or `?gateway=`), and renders the app.
 */

import { render } from "preact";

import { type ClientConfig, fetchClientConfig, gatewayUrls } from "./gateways";
import { App } from "./ui/App";
import { applyStoredTheme } from "./ui/theme";
import "./styles.css";

applyStoredTheme();
const config: ClientConfig = await fetchClientConfig(location.origin).catch(() => ({ gateways: [] }));
const root = document.getElementById("app");
if (root !== null) render(<App gateways={gatewayUrls(config, location)} />, root);
