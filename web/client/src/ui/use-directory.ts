/**
 * The user directory as one types (`GET /v1/users/search`): people who share a room with the
 * user whose username, or a word of whose display name, starts with the text. Asked a moment
 * after the typing stops (searches are rate limited), and only the latest answer counts.
 */

import { useEffect, useState } from "preact/hooks";

import type { UserIdentity } from "../../../sdk/src/index";

/** How long typing must pause before the directory is asked (ms). */
const PAUSE = 250;

export interface DirectoryApi {
  searchUsers(prefix: string, options?: { limit?: number }): Promise<UserIdentity[]>;
}

export function useDirectory(api: DirectoryApi, text: string, limit = 8): UserIdentity[] {
  const [found, setFound] = useState<UserIdentity[]>([]);
  const prefix = text.trim().replace(/^@/, "");
  useEffect(() => {
    if (prefix === "") {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.searchUsers(prefix, { limit }).then(
        (users) => current && setFound(users),
        // A refused or failed lookup suggests no one; adding by the exact username still works.
        () => current && setFound([]),
      );
    }, PAUSE);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, prefix, limit]);
  return found;
}
