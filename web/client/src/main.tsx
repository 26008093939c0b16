/**
 * The page's entry point: applies the colour theme, starts finding the gateways
 * (`/v1/client-config`, or `?gateway=`), and renders the app without waiting for them.
 */

import { render } from "preact";

import { findGateways } from "./gateways";
import { App } from "./ui/App";
import { applyStoredTheme } from "./ui/theme";
import "./styles.css";

applyStoredTheme();
const root = document.getElementById("app");
if (root !== null) render(<App gateways={findGateways(location, location.origin)} />, root);
