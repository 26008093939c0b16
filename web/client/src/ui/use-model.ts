/** Re-renders a component whenever the `ChatModel` reports a change. */

import { useEffect, useState } from "preact/hooks";

import type { ChatModel } from "../model/chat-model";

export function useModel(model: ChatModel): void {
  const [, setVersion] = useState(0);
  useEffect(() => model.subscribe(() => setVersion((version) => version + 1)), [model]);
}
