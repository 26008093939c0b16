/**
 * What to do when the socket closes, by close code (protocol.md §9, §11 item 6): nearly always
 * reconnect and resume; how soon, whether to renew the token first, and whether to prefer
 * another gateway depend on the code.
 */

import { CloseCode } from "./contract";

/** Close codes the client uses for sockets it gives up on itself. */
export const ClientCloseCode = {
  /** Nothing arrived for two heartbeat intervals, or `hello`/`ready` did not come in time. */
  Dead: 4000,
} as const;

/**
 * How to reconnect. There is no "stop" code: the session stops only when it is closed, or when
 * a 4001 cannot be cured with a fresh token (the login is gone, or a fresh token is refused too).
 */
export interface ClosePlan {
  /** `prompt`: a small jitter only (4008, 4009, and after renewing a token on 4001). */
  delay: "backoff" | "prompt";
  /** Get a fresh access token first (4001). */
  renewToken: boolean;
  /** Prefer the next gateway URL. */
  otherGateway: boolean;
}

export function planForClose(code: number): ClosePlan {
  switch (code) {
    case CloseCode.AuthenticationFailed:
      return { delay: "prompt", renewToken: true, otherGateway: false };
    case CloseCode.ServerDraining:
      return { delay: "prompt", renewToken: false, otherGateway: true };
    case CloseCode.TooSlow:
      return { delay: "prompt", renewToken: false, otherGateway: false };
    case CloseCode.IdentifyTimeout:
    case CloseCode.HeartbeatTimeout:
    case CloseCode.MessageTooBig:
      return { delay: "backoff", renewToken: false, otherGateway: false };
    case CloseCode.TryAgainLater:
    case CloseCode.Abnormal:
    case ClientCloseCode.Dead:
      return { delay: "backoff", renewToken: false, otherGateway: true };
    default:
      // 1000 is never sent by the gateway on its own (only echoed); anything else unexpected is
      // treated like an abnormal closure.
      return { delay: "backoff", renewToken: false, otherGateway: true };
  }
}
