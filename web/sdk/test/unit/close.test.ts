import { describe, expect, it } from "vitest";

import { ClientCloseCode, planForClose } from "../../src/close";
import { CloseCode } from "../../src/contract";

describe("planForClose (protocol.md §9)", () => {
  it("4001: renew the token first, then reconnect promptly", () => {
    expect(planForClose(CloseCode.AuthenticationFailed)).toEqual({ delay: "prompt", renewToken: true, otherGateway: false });
  });

  it("4009: reconnect at once (a little jitter) to another gateway", () => {
    expect(planForClose(CloseCode.ServerDraining)).toEqual({ delay: "prompt", renewToken: false, otherGateway: true });
  });

  it("4008: reconnect promptly and resume", () => {
    expect(planForClose(CloseCode.TooSlow)).toEqual({ delay: "prompt", renewToken: false, otherGateway: false });
  });

  it("4002, 4003 and 1009: reconnect with backoff", () => {
    for (const code of [CloseCode.IdentifyTimeout, CloseCode.HeartbeatTimeout, CloseCode.MessageTooBig]) {
      expect(planForClose(code)).toMatchObject({ delay: "backoff", renewToken: false });
    }
  });

  it("1013, 1006, a dead socket and unknown codes: back off and try another gateway", () => {
    for (const code of [CloseCode.TryAgainLater, CloseCode.Abnormal, ClientCloseCode.Dead, 1011, 4999]) {
      expect(planForClose(code)).toEqual({ delay: "backoff", renewToken: false, otherGateway: true });
    }
  });
});
