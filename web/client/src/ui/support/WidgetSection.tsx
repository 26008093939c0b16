/**
 * The widget's settings (api.md §11.2) beside a live preview: for the owner a form of every
 * setting, saved as a whole; for an agent the same settings as text.
 */

import { useState } from "preact/hooks";

import { COLOR_PRESETS, WIDGET_LANGUAGES, WIDGET_POSITIONS, WIDGET_SIZES, type WebsiteDetail, type WidgetSettings } from "../../../../sdk/src/index";
import { DAY_NAMES, browserTimeZone, dayText } from "../../model/business-hours";
import { GREETING_MAX_CHARS, type WidgetDraft, draftGreeting, settingsFromDraft, widgetDraft } from "../../model/widget-form";
import { COLOR_NAME, LANGUAGE_NAME, POSITION_NAME, PRESET_COLOR, SIZE_NAME, defaultGreeting } from "../../model/widget-look";
import type { Websites } from "../../model/websites";
import { BusinessHoursFields } from "./BusinessHoursFields";
import { WidgetPreview } from "./WidgetPreview";

interface Props {
  websites: Websites;
  detail: WebsiteDetail;
}

export function WidgetSection({ websites, detail }: Props) {
  return (
    <section class="support-section" aria-labelledby="widget-title">
      <h3 id="widget-title">Widget</h3>
      {detail.role === "owner" ? (
        <WidgetForm websites={websites} detail={detail} />
      ) : (
        <div class="widget-layout">
          <WidgetSummary settings={detail.settings} />
          <WidgetPreview look={detail.settings} title={detail.name} />
        </div>
      )}
    </section>
  );
}

function WidgetForm({ websites, detail }: Props) {
  const [draft, setDraft] = useState<WidgetDraft>(() => widgetDraft(detail.settings, browserTimeZone()));
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<{ problem: boolean; text: string } | null>(null);
  const change = (patch: Partial<WidgetDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setNote(null);
  };
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const checked = settingsFromDraft(draft);
    if (!checked.ok) {
      setNote({ problem: true, text: checked.problem });
      return;
    }
    setSaving(true);
    setNote(null);
    const saved = await websites.saveWidget(detail.website_id, checked.settings);
    setSaving(false);
    setNote(saved.ok ? { problem: false, text: "Saved." } : { problem: true, text: saved.problem });
  };
  const look = { ...draft, greeting: draftGreeting(draft), pre_chat_form: draft.preChatForm };
  return (
    <div class="widget-layout">
      <form class="widget-form" onSubmit={(event) => void save(event)}>
        <fieldset class="swatches">
          <legend>Colour</legend>
          {COLOR_PRESETS.map((color) => (
            <label key={color} class="swatch">
              <input type="radio" name="widget-color" value={color} checked={draft.color === color} onChange={() => change({ color })} />
              <span class="swatch-dot" style={{ "--swatch": PRESET_COLOR[color] }} aria-hidden="true" />
              {COLOR_NAME[color]}
            </label>
          ))}
        </fieldset>
        <div class="field-grid">
          <label for="widget-size">Size</label>
          <select id="widget-size" value={draft.size} onChange={(event) => change({ size: WIDGET_SIZES.find((size) => size === event.currentTarget.value) ?? draft.size })}>
            {WIDGET_SIZES.map((size) => (
              <option key={size} value={size}>
                {SIZE_NAME[size]}
              </option>
            ))}
          </select>
          <label for="widget-language">Language</label>
          <select
            id="widget-language"
            value={draft.language}
            onChange={(event) => change({ language: WIDGET_LANGUAGES.find((language) => language === event.currentTarget.value) ?? draft.language })}
          >
            {WIDGET_LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {LANGUAGE_NAME[language]}
              </option>
            ))}
          </select>
          <label for="widget-position">Position</label>
          <select
            id="widget-position"
            value={draft.position}
            onChange={(event) => change({ position: WIDGET_POSITIONS.find((position) => position === event.currentTarget.value) ?? draft.position })}
          >
            {WIDGET_POSITIONS.map((position) => (
              <option key={position} value={position}>
                {POSITION_NAME[position]}
              </option>
            ))}
          </select>
        </div>
        <div class="one-field">
          <label for="widget-greeting">Greeting</label>
          <input
            id="widget-greeting"
            value={draft.greeting}
            maxLength={GREETING_MAX_CHARS}
            placeholder={defaultGreeting(draft.language)}
            aria-describedby="widget-greeting-hint"
            onInput={(event) => change({ greeting: event.currentTarget.value })}
          />
          <span id="widget-greeting-hint" class="muted hint">
            Shown before the visitor writes. Leave it empty for the language's default.
          </span>
        </div>
        <label class="check">
          <input type="checkbox" checked={draft.preChatForm} onChange={(event) => change({ preChatForm: event.currentTarget.checked })} /> Ask for a
          name (and, optionally, an email address) before the first message
        </label>
        <BusinessHoursFields hours={draft.hours} onChange={(hours) => change({ hours })} />
        <div class="row">
          <button type="submit" disabled={saving}>
            {saving ? "Saving…" : "Save"}
          </button>
        </div>
        <p role="status" class={note?.problem === true ? "problem" : "muted"}>
          {note?.text}
        </p>
      </form>
      <WidgetPreview look={look} title={detail.name} />
    </div>
  );
}

/** The settings as text, for an agent. */
function WidgetSummary({ settings }: { settings: WidgetSettings }) {
  const hours = settings.business_hours;
  return (
    <dl class="widget-summary">
      <dt>Colour</dt>
      <dd>{COLOR_NAME[settings.color]}</dd>
      <dt>Size</dt>
      <dd>{SIZE_NAME[settings.size]}</dd>
      <dt>Language</dt>
      <dd>{LANGUAGE_NAME[settings.language]}</dd>
      <dt>Position</dt>
      <dd>{POSITION_NAME[settings.position]}</dd>
      <dt>Greeting</dt>
      <dd>{settings.greeting ?? `The language's default (“${defaultGreeting(settings.language)}”)`}</dd>
      <dt>Pre-chat form</dt>
      <dd>{settings.pre_chat_form ? "Asks for a name and, optionally, an email address" : "None"}</dd>
      <dt>Business hours</dt>
      <dd>
        {hours === null ? (
          "Always open"
        ) : (
          <>
            {hours.time_zone}
            <ul class="hours-list">
              {hours.days.map((day, index) => (
                <li key={DAY_NAMES[index]}>
                  {DAY_NAMES[index]}: {dayText(day)}
                </li>
              ))}
            </ul>
          </>
        )}
      </dd>
    </dl>
  );
}
