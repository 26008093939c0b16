/**
 * A still picture of the widget as visitors will see it, drawn by the page itself: a corner of
 * a web page with the launcher in the chosen corner, colour and size, and the open panel with
 * the greeting (and the pre-chat form's fields). Nothing in it can be used; its caption says in
 * words what it shows.
 */

import type { WidgetSettings } from "../../../../sdk/src/index";
import { COLOR_NAME, POSITION_NAME, PRESET_COLOR, SIZE_NAME, composerPlaceholder, defaultGreeting } from "../../model/widget-look";

type Look = Pick<WidgetSettings, "color" | "size" | "language" | "position" | "greeting" | "pre_chat_form">;

export function WidgetPreview({ look, title }: { look: Look; title: string }) {
  const greeting = look.greeting ?? defaultGreeting(look.language);
  const german = look.language === "de";
  return (
    <figure class="preview" aria-labelledby="preview-caption">
      <div
        class={`preview-page at-${look.position} size-${look.size}`}
        style={{ "--widget": PRESET_COLOR[look.color] }}
        data-part="page"
        aria-hidden="true"
      >
        <div class="preview-panel">
          <div class="preview-title">{title}</div>
          <div class="preview-messages">
            <p class="preview-bubble">{greeting}</p>
            {look.pre_chat_form && (
              <div class="preview-prechat">
                <span class="preview-input">{german ? "Name" : "Your name"}</span>
                <span class="preview-input">{german ? "E-Mail-Adresse" : "Email address"}</span>
              </div>
            )}
          </div>
          <div class="preview-composer">{composerPlaceholder(look.language)}</div>
        </div>
        <div class="preview-launcher" data-part="launcher">
          <svg viewBox="0 0 24 24" width="50%" height="50%" focusable="false">
            <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
          </svg>
        </div>
      </div>
      <figcaption id="preview-caption">
        Preview: {COLOR_NAME[look.color]}, {SIZE_NAME[look.size].toLowerCase()}, {POSITION_NAME[look.position].toLowerCase()}
        {look.pre_chat_form ? ", asks for a name and, optionally, an email address" : ""}. Greeting: “{greeting}”
      </figcaption>
    </figure>
  );
}
