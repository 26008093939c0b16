/** The model's state as a Preact hook: the component re-renders on every change. */

import { useEffect, useState } from "preact/hooks";

import type { WidgetModel, WidgetState } from "../app/model";

export function useModel(model: WidgetModel): WidgetState {
  const [state, setState] = useState(model.state);
  useEffect(() => {
    setState(model.state);
    return model.subscribe(setState);
  }, [model]);
  return state;
}
