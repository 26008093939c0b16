import { describe, expect, it } from "vitest";

import { completeMention, mentionQuery } from "../../src/model/mention-query";

describe("the mention being typed", () => {
  it("is an @ at the start or after a space, up to the caret", () => {
    expect(mentionQuery("@Al", 3)).toEqual({ start: 0, query: "al" });
    expect(mentionQuery("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQuery("hi @", 4)).toEqual({ start: 3, query: "" });
    expect(mentionQuery("hi @bob and", 6)).toEqual({ start: 3, query: "bo" });
  });

  it("is not an e-mail address, a finished word or text after the caret", () => {
    expect(mentionQuery("mail me@home", 12)).toBeNull();
    expect(mentionQuery("@bob ", 5)).toBeNull();
    expect(mentionQuery("hi", 2)).toBeNull();
    expect(mentionQuery("hi @bob", 2)).toBeNull();
  });

  it("completes to the username and a space, keeping the rest", () => {
    const text = "hi @bo, are you there";
    const at = mentionQuery(text, 6);
    expect(at).not.toBeNull();
    if (at === null) return;
    expect(completeMention(text, 6, at, "bob_1")).toEqual({ text: "hi @bob_1 , are you there", caret: 10 });
    const end = mentionQuery("@al", 3);
    if (end === null) return;
    expect(completeMention("@al", 3, end, "alice")).toEqual({ text: "@alice ", caret: 7 });
  });
});
