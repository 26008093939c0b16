import { describe, expect, it } from "vitest";

import { CHANNEL, displayName, emailAddress, parseFrameMessage, parseHostMessage, parseIdentity, webUrl } from "../../src/messages";

describe("messages from the widget's frame", () => {
  it("are read when they are known and well-formed", () => {
    expect(parseFrameMessage({ channel: CHANNEL, type: "ready" })).toEqual({ channel: CHANNEL, type: "ready" });
    expect(parseFrameMessage({ channel: CHANNEL, type: "opened", extra: 1 })).toEqual({ channel: CHANNEL, type: "opened" });
    expect(parseFrameMessage({ channel: CHANNEL, type: "size", width: 96.4, height: 96, fullscreen: false, position: "left" })).toEqual({
      channel: CHANNEL,
      type: "size",
      width: 96,
      height: 96,
      fullscreen: false,
      position: "left",
    });
    expect(parseFrameMessage({ channel: CHANNEL, type: "message", body: "Hello", at: "2026-12-07T15:00:00Z" })).toEqual({
      channel: CHANNEL,
      type: "message",
      body: "Hello",
      at: "2026-12-07T15:00:00Z",
    });
  });

  it("are dropped when they are someone else's or malformed", () => {
    for (const data of [
      null,
      "ready",
      [CHANNEL, "ready"],
      { type: "ready" },
      { channel: "chat-widget/2", type: "ready" },
      { channel: CHANNEL, type: "open" },
      { channel: CHANNEL, type: "size", width: "100px", height: 96, fullscreen: false, position: "right" },
      { channel: CHANNEL, type: "size", width: Number.NaN, height: 96, fullscreen: false, position: "right" },
      { channel: CHANNEL, type: "size", width: -1, height: 96, fullscreen: false, position: "right" },
      { channel: CHANNEL, type: "size", width: 1e9, height: 96, fullscreen: false, position: "right" },
      { channel: CHANNEL, type: "size", width: 96, height: 96, fullscreen: "yes", position: "right" },
      { channel: CHANNEL, type: "size", width: 96, height: 96, fullscreen: false, position: "top" },
      { channel: CHANNEL, type: "message", body: 42, at: "now" },
      { channel: CHANNEL, type: "message", body: "x".repeat(4001), at: "now" },
      { channel: CHANNEL, type: "message", body: "hi" },
    ]) {
      expect(parseFrameMessage(data)).toBeNull();
    }
  });
});

describe("messages from the loader", () => {
  it("carry the page's context, checked", () => {
    const context = { channel: CHANNEL, type: "context", pageUrl: "https://shop.example/cart?x=1", referrer: "", width: 1280, height: 720 };
    expect(parseHostMessage(context)).toEqual({ ...context, referrer: null });
    expect(parseHostMessage({ ...context, pageUrl: "javascript:alert(1)", referrer: "https://search.example/?q=shoes" })).toEqual({
      ...context,
      pageUrl: null,
      referrer: "https://search.example/?q=shoes",
    });
    expect(parseHostMessage({ ...context, width: "wide" })).toBeNull();
  });

  it("carry the page's commands", () => {
    expect(parseHostMessage({ channel: CHANNEL, type: "open" })).toEqual({ channel: CHANNEL, type: "open" });
    expect(parseHostMessage({ channel: CHANNEL, type: "close" })).toEqual({ channel: CHANNEL, type: "close" });
    const identify = (identity: unknown) => parseHostMessage({ channel: CHANNEL, type: "identify", identity });
    expect(identify({ name: "  Ada \n Lovelace " })).toEqual({
      channel: CHANNEL,
      type: "identify",
      identity: { name: "Ada Lovelace", email: null, userId: null, userHash: null },
    });
    expect(identify({ name: "" })).toBeNull();
    expect(identify({ name: "x".repeat(65) })).toBeNull();
    expect(identify(undefined)).toBeNull();
    expect(parseHostMessage({ channel: CHANNEL, type: "identify" })).toBeNull();
    expect(parseHostMessage({ channel: CHANNEL, type: "ready" })).toBeNull();
    expect(parseHostMessage({ type: "open" })).toBeNull();
  });
});

describe("an identity", () => {
  const hash = "ab".repeat(32);

  it("keeps the parts that are right and drops the others", () => {
    const full = parseIdentity({ name: "Ada", email: " ada@example.org ", userId: "user-42", userHash: hash });
    expect(full).toEqual({ name: "Ada", email: "ada@example.org", userId: "user-42", userHash: hash });
    // What the loader passes on reads the same in the frame.
    expect(parseIdentity(full)).toEqual(full);
    expect(parseIdentity({ name: "Ada", email: "not an address", userId: "user-42", userHash: "short" })).toEqual({
      name: "Ada",
      email: null,
      userId: null,
      userHash: null,
    });
    // An id without its signature (or the other way round) is no identity.
    expect(parseIdentity({ userId: "user-42" })).toBeNull();
    expect(parseIdentity({ userHash: hash })).toBeNull();
    expect(parseIdentity({ userId: "x".repeat(129), userHash: hash })).toBeNull();
    expect(parseIdentity("Ada")).toBeNull();
  });

  it("takes email addresses as the server does", () => {
    expect(emailAddress("ada@example.org")).toBe("ada@example.org");
    for (const bad of ["ada", "@example.org", "ada@", "ada@localhost", "a@b@c.org", "ada @example.org", "ada@.org", "ada@x.", 42]) {
      expect(emailAddress(bad)).toBeNull();
    }
  });
});

describe("what is passed on", () => {
  it("is an http(s) URL of at most 2048 characters", () => {
    expect(webUrl("http://127.0.0.1:3000/")).toBe("http://127.0.0.1:3000/");
    expect(webUrl("file:///etc/passwd")).toBeNull();
    expect(webUrl("not a url")).toBeNull();
    expect(webUrl(`https://shop.example/${"a".repeat(2048)}`)).toBeNull();
    expect(webUrl(undefined)).toBeNull();
  });

  it("is a name of one line, 1–64 characters", () => {
    expect(displayName("Ada")).toBe("Ada");
    expect(displayName("   ")).toBeNull();
    expect(displayName("😀".repeat(64))).toBe("😀".repeat(64));
    expect(displayName(7)).toBeNull();
  });
});
