import { describe, expect, it } from "vitest";

import type { DomainView, VerificationFailure } from "../../../sdk/src/index";
import { embedSnippet } from "../../src/model/install";
import {
  domainCountText,
  domainStatusText,
  failureSentence,
  showsCheck,
  verificationFileUrl,
  verificationMetaTag,
} from "../../src/model/verification";

const FAILURES: VerificationFailure[] = [
  "token_not_found",
  "token_mismatch",
  "unreachable",
  "timeout",
  "too_large",
  "too_many_redirects",
  "forbidden_address",
  "bad_status",
  "not_text",
];

const PENDING: DomainView = {
  domain: "shop.example.com",
  token: "chat-0123456789abcdef0123456789abcdef",
  status: "pending",
  method: null,
  failure: null,
  checked_at: null,
  added_at: "2026-12-07T15:01:40Z",
};

describe("domain verification in words", () => {
  it("has one distinct sentence per failure code", () => {
    const sentences = FAILURES.map(failureSentence);
    expect(new Set(sentences).size).toBe(FAILURES.length);
    for (const sentence of sentences) expect(sentence).toMatch(/^[A-Z].*\.$/);
    expect(failureSentence("token_mismatch")).toBe("The site publishes a token, but not this domain's (an old one?).");
  });

  it("says where a domain stands", () => {
    expect(domainStatusText(PENDING)).toBe("Pending: not checked yet");
    expect(domainStatusText({ ...PENDING, status: "verified", method: "well_known_file" })).toBe("Verified via file");
    expect(domainStatusText({ ...PENDING, status: "verified", method: "meta_tag" })).toBe("Verified via meta tag");
    expect(domainStatusText({ ...PENDING, status: "failed", failure: "unreachable" })).toBe(
      "Failed: The site could not be reached over https or http.",
    );
  });

  it("tells whether a read shows what a check found", () => {
    const verified = { domain: PENDING.domain, verified: true, method: "meta_tag", failure: null } as const;
    const mismatch = { domain: PENDING.domain, verified: false, method: null, failure: "token_mismatch" } as const;
    expect(showsCheck(PENDING, verified)).toBe(false);
    expect(showsCheck({ ...PENDING, status: "verified", method: "meta_tag" }, verified)).toBe(true);
    expect(showsCheck({ ...PENDING, status: "verified", method: "well_known_file" }, verified)).toBe(false);
    expect(showsCheck({ ...PENDING, status: "failed", failure: "timeout" }, mismatch)).toBe(false);
    expect(showsCheck({ ...PENDING, status: "failed", failure: "token_mismatch" }, mismatch)).toBe(true);
  });

  it("gives the two ways to publish a token", () => {
    expect(verificationFileUrl("localhost:3000")).toBe("https://localhost:3000/.well-known/chat-verification.txt");
    expect(verificationMetaTag("chat-abc")).toBe('<meta name="chat-verification" content="chat-abc">');
  });

  it("counts a website's verified domains", () => {
    expect([domainCountText(0, 0), domainCountText(0, 1), domainCountText(2, 3)]).toEqual([
      "No domains yet",
      "0 of 1 domain verified",
      "2 of 3 domains verified",
    ]);
  });

  it("writes the install snippet for this server", () => {
    expect(embedSnippet("https://chat.example", "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b")).toBe(
      '<script src="https://chat.example/embed.js?id=0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b" async></script>',
    );
  });
});
