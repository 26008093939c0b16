import { describe, expect, it } from "vitest";

import { linkRuns } from "../../src/model/links";

describe("links in a message", () => {
  it("cuts the text into text and web links", () => {
    expect(linkRuns("see https://example.com/a?b=1#c and http://x.org")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", href: "https://example.com/a?b=1#c", text: "https://example.com/a?b=1#c" },
      { kind: "text", text: " and " },
      { kind: "link", href: "http://x.org", text: "http://x.org" },
    ]);
  });

  it("leaves sentence punctuation and unmatched brackets out of a link", () => {
    expect(linkRuns("go to https://example.com.")[1]).toEqual({ kind: "link", href: "https://example.com", text: "https://example.com" });
    expect(linkRuns("(https://example.com/x)")[1]).toMatchObject({ href: "https://example.com/x" });
    expect(linkRuns("https://en.wikipedia.org/wiki/Rust_(language)")[0]).toMatchObject({ href: "https://en.wikipedia.org/wiki/Rust_(language)" });
  });

  it("links nothing but http and https", () => {
    expect(linkRuns("javascript:alert(1) ftp://x data:text/html,hi")).toEqual([{ kind: "text", text: "javascript:alert(1) ftp://x data:text/html,hi" }]);
    expect(linkRuns("<b>not html</b>")).toEqual([{ kind: "text", text: "<b>not html</b>" }]);
  });
});
