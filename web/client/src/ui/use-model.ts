/** Re-renders a component whenever a model (`ChatModel`, `Websites`) reports a change. */

import { useEffect, useState } from "preact/hooks";

export interface Observable {
  /** Calls `listener` after every change; answers the unsubscriber. */
  subscribe(listener: () => void): () => void;
}

export function useModel(model: Observable): void {
  const [, setVersion] = useState(0);
  useEffect(() => model.subscribe(() => setVersion((version) => version + 1)), [model]);
}
