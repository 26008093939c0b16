import { createRequire } from "node:module";

import { describe, expect, it } from "vitest";

import { PAGE_SNIPPET, SECRET_VARIABLE, SERVER_SNIPPETS, maskedSecret } from "../../src/model/identity";

describe("identity verification, as the owner sets it up", () => {
  it("masks the secret but for its last four digits", () => {
    const secret = "0123456789abcdef".repeat(4);
    expect(maskedSecret(secret)).toBe("••••••••••••cdef");
    expect(maskedSecret(secret)).not.toContain("0123");
  });

  it("shows a Node.js snippet that computes HMAC-SHA256 as RFC 4231 does", () => {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    const node = SERVER_SNIPPETS.find((snippet) => snippet.label === "Node.js");
    const run = new Function("require", "process", "userId", `${node?.code ?? ""}\nreturn userHash;`) as (
      require: NodeJS.Require,
      process: { env: Record<string, string> },
      userId: string,
    ) => string;
    const userHash = run(createRequire(import.meta.url), { env: { [SECRET_VARIABLE]: "Jefe" } }, "what do ya want for nothing?");
    expect(userHash).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("reads the secret from the environment in every language, and gives the page's call", () => {
    expect(SERVER_SNIPPETS.map((snippet) => snippet.label)).toEqual(["Node.js", "PHP", "Python"]);
    for (const snippet of SERVER_SNIPPETS) expect(snippet.code).toContain(SECRET_VARIABLE);
    expect(SERVER_SNIPPETS.find((snippet) => snippet.label === "PHP")?.code).toContain("hash_hmac('sha256', $userId, $secret)");
    expect(SERVER_SNIPPETS.find((snippet) => snippet.label === "Python")?.code).toContain(
      "hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()",
    );
    expect(PAGE_SNIPPET.code).toBe("ChatWidget.identify({ userId, userHash, name, email });");
  });
});
