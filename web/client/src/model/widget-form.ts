/**
 * The widget settings form's state and the settings it stands for (api.md §11.2): the greeting
 * as typed (empty: the language's default, `null`), the business hours as `HoursForm`. Turning
 * a draft into settings checks what the server would refuse, in words, before it is sent.
 */

import type { ColorPreset, WidgetLanguage, WidgetPosition, WidgetSettings, WidgetSize } from "../../../sdk/src/index";
import { type HoursForm, hoursForm, hoursFromForm } from "./business-hours";

/** The greeting's limit (api.md §11.2). */
export const GREETING_MAX_CHARS = 200;

export interface WidgetDraft {
  color: ColorPreset;
  size: WidgetSize;
  language: WidgetLanguage;
  position: WidgetPosition;
  /** As typed; empty for the language's default. */
  greeting: string;
  preChatForm: boolean;
  hours: HoursForm;
}

export type SettingsResult = { ok: true; settings: WidgetSettings } | { ok: false; problem: string };

/** The form for `settings`; `defaultZone` fills the time zone when there are no business hours. */
export function widgetDraft(settings: WidgetSettings, defaultZone: string): WidgetDraft {
  return {
    color: settings.color,
    size: settings.size,
    language: settings.language,
    position: settings.position,
    greeting: settings.greeting ?? "",
    preChatForm: settings.pre_chat_form,
    hours: hoursForm(settings.business_hours, defaultZone),
  };
}

/** The greeting to send: trimmed, `null` when empty. */
export function draftGreeting(draft: Pick<WidgetDraft, "greeting">): string | null {
  const greeting = draft.greeting.trim();
  return greeting === "" ? null : greeting;
}

/** The settings the draft stands for, or the first thing wrong with it. */
export function settingsFromDraft(draft: WidgetDraft): SettingsResult {
  const greeting = draftGreeting(draft);
  if (greeting !== null && [...greeting].length > GREETING_MAX_CHARS) {
    return { ok: false, problem: `The greeting is at most ${GREETING_MAX_CHARS} characters.` };
  }
  if (greeting !== null && /\p{Cc}/u.test(greeting)) return { ok: false, problem: "The greeting is one line of text." };
  const hours = hoursFromForm(draft.hours);
  if (!hours.ok) return hours;
  return {
    ok: true,
    settings: {
      color: draft.color,
      size: draft.size,
      language: draft.language,
      position: draft.position,
      greeting,
      pre_chat_form: draft.preChatForm,
      business_hours: hours.hours,
    },
  };
}
