/**
 * The widget: the launcher in its corner and, when open, the panel above it (or over the whole
 * viewport on a phone). Escape closes it; closing gives the focus back to the launcher.
 */

import { useEffect, useRef } from "preact/hooks";

import { PRESET_COLOR } from "../../../client/src/model/widget-look";
import type { WidgetModel } from "../app/model";
import { strings } from "../app/i18n";
import { DIMENSIONS, EDGE, GAP } from "../layout";
import { Launcher } from "./Launcher";
import { Panel } from "./Panel";
import { useModel } from "./use-model";

export function App({ model }: { model: WidgetModel }) {
  const state = useModel(model);
  const launcher = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(state.open);

  useEffect(() => {
    document.documentElement.lang = state.look.language;
  }, [state.look.language]);

  // Closed (Escape, the close button, the launcher, the page's `ChatWidget.close()`): the focus
  // goes back to the launcher if it was in the panel.
  useEffect(() => {
    if (wasOpen.current && !state.open && document.hasFocus()) launcher.current?.focus();
    wasOpen.current = state.open;
  }, [state.open]);

  if (state.phase !== "ready") return null;
  const t = strings(state.look.language);
  const size = DIMENSIONS[state.look.size];
  const style = {
    "--accent": PRESET_COLOR[state.look.color],
    "--launcher": `${size.launcher}px`,
    "--panel-width": `${size.width}px`,
    "--panel-height": `${size.height}px`,
    "--edge": `${EDGE}px`,
    "--gap": `${GAP}px`,
  };
  const classes = ["widget", `at-${state.look.position}`, state.open ? "open" : "", state.fullscreen ? "full" : ""].filter(Boolean).join(" ");
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && state.open) {
      event.preventDefault();
      model.setOpen(false);
    }
  };
  return (
    <div class={classes} style={style} onKeyDown={onKeyDown}>
      {state.open && <Panel state={state} model={model} t={t} />}
      {!(state.open && state.fullscreen) && (
        <Launcher buttonRef={launcher} open={state.open} unread={state.unread} t={t} onToggle={() => model.setOpen(!state.open)} />
      )}
    </div>
  );
}
