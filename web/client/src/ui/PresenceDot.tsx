/** A coloured dot with its meaning in text for screen readers. */

import type { PresenceStatus } from "../../../sdk/src/index";

export function PresenceDot({ status }: { status: PresenceStatus }) {
  return <span class={`presence ${status}`} role="img" aria-label={status} />;
}
