import { describe, expect, it } from "vitest";

import type { WidgetSettings } from "../../../sdk/src/index";
import { settingsFromDraft, widgetDraft } from "../../src/model/widget-form";
import { sameSettings } from "../../src/model/widget-look";

const DEFAULTS: WidgetSettings = {
  color: "blue",
  size: "medium",
  language: "auto",
  position: "right",
  greeting: null,
  pre_chat_form: false,
  business_hours: null,
};

describe("the widget form", () => {
  it("round-trips the settings, an empty greeting being the language's default (null)", () => {
    const draft = widgetDraft(DEFAULTS, "Europe/Berlin");
    expect(draft.greeting).toBe("");
    expect(draft.hours.timeZone).toBe("Europe/Berlin");
    expect(settingsFromDraft(draft)).toEqual({ ok: true, settings: DEFAULTS });
  });

  it("sends the greeting trimmed, and every field", () => {
    const draft = { ...widgetDraft(DEFAULTS, "UTC"), color: "purple" as const, greeting: "  Hello there!  ", preChatForm: true };
    const result = settingsFromDraft(draft);
    expect(result).toEqual({ ok: true, settings: { ...DEFAULTS, color: "purple", greeting: "Hello there!", pre_chat_form: true } });
  });

  it("refuses a greeting of two lines or over 200 characters, and bad business hours", () => {
    const draft = widgetDraft(DEFAULTS, "UTC");
    expect(settingsFromDraft({ ...draft, greeting: "a\nb" })).toEqual({ ok: false, problem: "The greeting is one line of text." });
    expect(settingsFromDraft({ ...draft, greeting: "x".repeat(201) })).toEqual({ ok: false, problem: "The greeting is at most 200 characters." });
    expect(settingsFromDraft({ ...draft, greeting: "é".repeat(200) }).ok).toBe(true);
    expect(settingsFromDraft({ ...draft, hours: { ...draft.hours, limited: true, timeZone: "Nowhere" } }).ok).toBe(false);
  });

  it("tells settings apart whatever the order of their fields", () => {
    const reordered: WidgetSettings = {
      business_hours: null,
      pre_chat_form: false,
      greeting: null,
      position: "right",
      language: "auto",
      size: "medium",
      color: "blue",
    };
    expect(sameSettings(DEFAULTS, reordered)).toBe(true);
    expect(sameSettings(DEFAULTS, { ...DEFAULTS, color: "red" })).toBe(false);
    const hours = { time_zone: "UTC", days: [null, null, null, null, null, null, { opens: 0, closes: 60 }] } as WidgetSettings["business_hours"];
    expect(sameSettings({ ...DEFAULTS, business_hours: hours }, DEFAULTS)).toBe(false);
  });
});
