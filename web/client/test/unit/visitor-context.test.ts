import { describe, expect, it } from "vitest";

import { browserText, hostOf, languageText, mailtoHref } from "../../src/model/visitor-context";

describe("a visitor's context, as an agent reads it", () => {
  it("names the page by its host", () => {
    expect(hostOf("https://shop.example/cart?id=3")).toBe("shop.example");
    expect(hostOf("http://127.0.0.1:4321/page")).toBe("127.0.0.1:4321");
    expect(hostOf(null)).toBeNull();
    expect(hostOf("not a url")).toBeNull();
  });

  it("names the browser and the system", () => {
    const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86";
    const safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0";
    expect(browserText(chrome)).toBe("Chrome 131 on Linux");
    expect(browserText(edge)).toBe("Edge 131 on Windows");
    expect(browserText(safari)).toBe("Safari 17 on iOS");
    expect(browserText(firefox)).toBe("Firefox 133 on macOS");
    expect(browserText("curl/8.5.0")).toBeNull();
    expect(browserText(null)).toBeNull();
  });

  it("names the language in English, or shows the tag", () => {
    expect(languageText("de-DE")).toBe("German (Germany)");
    expect(languageText("en")).toBe("English");
    expect(languageText(null)).toBeNull();
    expect(languageText("!!")).toBe("!!");
  });

  it("writes to the visitor's address, which cannot add recipients or headers", () => {
    expect(mailtoHref("ada@shop.example")).toBe("mailto:ada@shop.example");
    expect(mailtoHref("ada+orders@shop.example")).toBe("mailto:ada%2Borders@shop.example");
    expect(mailtoHref("ada,eve@shop.example?cc=mallory@evil.example")).toBe("mailto:ada%2Ceve%40shop.example%3Fcc%3Dmallory@evil.example");
  });
});
