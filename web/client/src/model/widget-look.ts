/**
 * How the widget's settings look and read: each colour preset's colour (the preview's, and the
 * widget's when it comes), the names of sizes, languages and corners, and the greeting a
 * visitor sees when the owner sets none.
 */

import type { ColorPreset, WidgetLanguage, WidgetPosition, WidgetSettings, WidgetSize } from "../../../sdk/src/index";

/** Each preset's background; its text is white (every one has at least 4.5:1 contrast with it). */
export const PRESET_COLOR: Record<ColorPreset, string> = {
  blue: "#1f5fbf",
  green: "#1a7f37",
  purple: "#6f42c1",
  orange: "#b34700",
  red: "#c62828",
  dark: "#24292f",
};

export const COLOR_NAME: Record<ColorPreset, string> = {
  blue: "Blue",
  green: "Green",
  purple: "Purple",
  orange: "Orange",
  red: "Red",
  dark: "Dark",
};

export const SIZE_NAME: Record<WidgetSize, string> = { small: "Small", medium: "Medium", large: "Large" };

export const LANGUAGE_NAME: Record<WidgetLanguage, string> = {
  auto: "The visitor's browser language",
  en: "English",
  de: "German",
};

export const POSITION_NAME: Record<WidgetPosition, string> = { right: "Bottom right", left: "Bottom left" };

/** What the widget says in `language` when the owner sets no greeting (`auto`: English here). */
export function defaultGreeting(language: WidgetLanguage): string {
  return language === "de" ? "Hallo! Wie können wir helfen?" : "Hi! How can we help?";
}

/** The composer's placeholder in the widget's language. */
export function composerPlaceholder(language: WidgetLanguage): string {
  return language === "de" ? "Nachricht schreiben…" : "Write a message…";
}

/** Whether two settings are the same (to see a saved change in what the server reads back). */
export function sameSettings(a: WidgetSettings, b: WidgetSettings): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(settings: WidgetSettings): unknown[] {
  const hours = settings.business_hours;
  return [
    settings.color,
    settings.size,
    settings.language,
    settings.position,
    settings.greeting,
    settings.pre_chat_form,
    hours === null ? null : [hours.time_zone, hours.days.map((day) => (day === null ? null : [day.opens, day.closes]))],
  ];
}
