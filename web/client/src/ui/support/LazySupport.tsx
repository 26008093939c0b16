/**
 * The Support area is fetched the first time it is opened: people who only chat never download
 * it, and the chat's own bundle stays as small as it was.
 */

import { useEffect, useState } from "preact/hooks";

import type { SupportProps } from "./SupportScreen";

type SupportModule = typeof import("./SupportScreen");

let loading: Promise<SupportModule> | null = null;

export function LazySupport(props: SupportProps) {
  const [module, setModule] = useState<SupportModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loading ??= import("./SupportScreen");
    loading.then(
      (loaded) => setModule(() => loaded),
      () => {
        loading = null;
        setFailed(true);
      },
    );
  }, []);
  if (module === null) {
    return (
      <main class="support" aria-label="Support">
        <p class="muted support-body" role={failed ? "alert" : undefined}>
          {failed ? "The Support area could not be loaded: check the connection and reload the page." : "Loading…"}
        </p>
      </main>
    );
  }
  return <module.SupportScreen {...props} />;
}
