import { describe, expect, it } from "vitest";

import type { WidgetSettings } from "../../../sdk/src/contract";
import { isWebsiteId, optionsQuery, parseOptions, resolveLanguage, resolveLook } from "../../src/options";

const SETTINGS: WidgetSettings = {
  color: "green",
  size: "small",
  language: "en",
  position: "left",
  greeting: "Welcome!",
  pre_chat_form: false,
  business_hours: null,
};

describe("the snippet's options", () => {
  it("are read from the script's query string", () => {
    const params = new URLSearchParams("id=x&colorPreset=purple&size=large&language=de&position=left&greeting=Hallo%20Welt");
    expect(parseOptions(params)).toEqual({ colorPreset: "purple", size: "large", language: "de", position: "left", greeting: "Hallo Welt" });
  });

  it("leave out what is not allowed", () => {
    const params = new URLSearchParams("colorPreset=pink&size=huge&language=fr&position=top&greeting=%20%20");
    expect(parseOptions(params)).toEqual({});
    expect(parseOptions(new URLSearchParams("colorPreset=Blue"))).toEqual({});
  });

  it("keep a greeting to one line of 200 characters", () => {
    const long = "x".repeat(250);
    expect(parseOptions(new URLSearchParams({ greeting: `  Hi\nthere\t! ` })).greeting).toBe("Hi there !");
    expect(parseOptions(new URLSearchParams({ greeting: long })).greeting).toHaveLength(200);
    expect(parseOptions(new URLSearchParams({ greeting: "😀".repeat(201) })).greeting).toBe("😀".repeat(200));
  });

  it("go to the frame under the same names, and come back the same", () => {
    const options = parseOptions(new URLSearchParams("colorPreset=dark&position=left&greeting=Hi%20%26%20welcome"));
    const query = optionsQuery(options);
    expect(query).toBe("colorPreset=dark&position=left&greeting=Hi+%26+welcome");
    expect(parseOptions(new URLSearchParams(query))).toEqual(options);
    expect(optionsQuery({})).toBe("");
  });

  it("override the website's settings one by one", () => {
    expect(resolveLook(SETTINGS, {}, ["fr"])).toEqual({ color: "green", size: "small", language: "en", position: "left", greeting: "Welcome!" });
    expect(resolveLook(SETTINGS, { colorPreset: "red", size: "large", language: "de", position: "right", greeting: "Moin" }, ["en"])).toEqual({
      color: "red",
      size: "large",
      language: "de",
      position: "right",
      greeting: "Moin",
    });
    expect(resolveLook(null, {}, [])).toEqual({ color: "blue", size: "medium", language: "en", position: "right", greeting: null });
  });
});

describe("the language", () => {
  it("follows the browser's first language the widget speaks when auto", () => {
    expect(resolveLanguage("auto", ["de-AT", "en"])).toBe("de");
    expect(resolveLanguage("auto", ["fr-FR", "DE"])).toBe("de");
    expect(resolveLanguage("auto", ["en-GB", "de"])).toBe("en");
    expect(resolveLanguage("auto", ["fr", "it"])).toBe("en");
    expect(resolveLanguage("auto", [])).toBe("en");
  });

  it("is the set one otherwise", () => {
    expect(resolveLanguage("en", ["de-DE"])).toBe("en");
    expect(resolveLanguage("de", ["en-US"])).toBe("de");
  });
});

describe("a website id", () => {
  it("is a UUID", () => {
    expect(isWebsiteId("01a205fc-405d-77ad-8c82-9da684f429cc")).toBe(true);
    expect(isWebsiteId("../../v1/me")).toBe(false);
    expect(isWebsiteId(null)).toBe(false);
  });
});
