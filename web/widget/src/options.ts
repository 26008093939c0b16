/**
 * The snippet's options (`embed.js?id=…&colorPreset=purple&size=large&language=de&position=left
 * &greeting=…`), read by the loader from its own `src` and passed on, under the same names, in
 * the frame's query string, where the widget reads them again. Anything unknown or malformed is
 * dropped, so that the website's settings (`GET /v1/widget/{id}`) apply instead.
 */

import {
  COLOR_PRESETS,
  WIDGET_LANGUAGES,
  WIDGET_POSITIONS,
  WIDGET_SIZES,
  type ColorPreset,
  type WidgetLanguage,
  type WidgetPosition,
  type WidgetSettings,
  type WidgetSize,
} from "../../sdk/src/contract";

/** What a snippet may set; each overrides the website's setting of the same meaning. */
export interface SnippetOptions {
  colorPreset?: ColorPreset;
  size?: WidgetSize;
  language?: WidgetLanguage;
  position?: WidgetPosition;
  greeting?: string;
}

/** The greeting's limit (api.md §11.2: 1–200 characters on one line). */
export const MAX_GREETING = 200;

/** The options in `params`; values that are not allowed are left out. */
export function parseOptions(params: URLSearchParams): SnippetOptions {
  const options: SnippetOptions = {};
  const colorPreset = oneOf(params.get("colorPreset"), COLOR_PRESETS);
  if (colorPreset !== undefined) options.colorPreset = colorPreset;
  const size = oneOf(params.get("size"), WIDGET_SIZES);
  if (size !== undefined) options.size = size;
  const language = oneOf(params.get("language"), WIDGET_LANGUAGES);
  if (language !== undefined) options.language = language;
  const position = oneOf(params.get("position"), WIDGET_POSITIONS);
  if (position !== undefined) options.position = position;
  const greeting = oneLine(params.get("greeting"));
  if (greeting !== undefined) options.greeting = greeting;
  return options;
}

/** The options as a query string (without `?`), for the frame's `src`. */
export function optionsQuery(options: SnippetOptions): string {
  const params = new URLSearchParams();
  for (const key of ["colorPreset", "size", "language", "position", "greeting"] as const) {
    const value = options[key];
    if (value !== undefined) params.set(key, value);
  }
  return params.toString();
}

/** How the widget looks and speaks: the snippet's options over the website's settings. */
export interface Look {
  color: ColorPreset;
  size: WidgetSize;
  /** `en` or `de`: `auto` resolved with the browser's languages. */
  language: "en" | "de";
  position: WidgetPosition;
  /** `null`: the language's default greeting. */
  greeting: string | null;
}

/** The look for `settings` (the website's) with `options` (the snippet's) over them. */
export function resolveLook(settings: WidgetSettings | null, options: SnippetOptions, browserLanguages: readonly string[]): Look {
  return {
    color: options.colorPreset ?? settings?.color ?? "blue",
    size: options.size ?? settings?.size ?? "medium",
    language: resolveLanguage(options.language ?? settings?.language ?? "auto", browserLanguages),
    position: options.position ?? settings?.position ?? "right",
    greeting: options.greeting ?? settings?.greeting ?? null,
  };
}

/** `auto` follows the first of the browser's languages the widget speaks (German or English). */
export function resolveLanguage(language: WidgetLanguage, browserLanguages: readonly string[]): "en" | "de" {
  if (language !== "auto") return language;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "de" || primary === "en") return primary;
  }
  return "en";
}

/** A website id as it may appear in a path: a UUID. */
export function isWebsiteId(value: string | null): value is string {
  return value !== null && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function oneLine(value: string | null): string | undefined {
  if (value === null) return undefined;
  const text = value.replace(/\s+/g, " ").trim();
  if (text === "") return undefined;
  return [...text].slice(0, MAX_GREETING).join("");
}
