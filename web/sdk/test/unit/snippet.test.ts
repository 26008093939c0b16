import { describe, expect, it } from "vitest";

import { snippetParts } from "../../src/snippet";

describe("snippetParts", () => {
  it("turns marks into marked parts and the escaped text back into text", () => {
    expect(snippetParts("say &lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; &quot;x&quot; &#39;y&#39;")).toEqual([
      { text: "say <b>", mark: false },
      { text: "bold", mark: true },
      { text: "</b> & \"x\" 'y'", mark: false },
    ]);
  });

  it("keeps what looks like markup as text: only <mark> is markup, and &amp;lt; stays &lt;", () => {
    expect(snippetParts("&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;")).toEqual([
      { text: "<script>alert(1)</script> &lt;", mark: false },
    ]);
    expect(snippetParts("<b>not bold</b>")).toEqual([{ text: "<b>not bold</b>", mark: false }]);
  });

  it("merges adjacent marks, drops empty parts and ends an unclosed mark with the text", () => {
    expect(snippetParts("<mark>a</mark><mark>b</mark> <mark>c")).toEqual([
      { text: "ab", mark: true },
      { text: " ", mark: false },
      { text: "c", mark: true },
    ]);
    expect(snippetParts("</mark>x<mark></mark>")).toEqual([{ text: "x", mark: false }]);
    expect(snippetParts("")).toEqual([]);
  });
});
