import { describe, expect, it } from "vitest";

import type { Credentials } from "../../../sdk/src/index";
import { type KeyValueStorage, loadCredentials, saveCredentials } from "../../src/credentials";

class MapStorage implements KeyValueStorage {
  readonly values = new Map<string, string>();
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
  removeItem(key: string): void {
    this.values.delete(key);
  }
}

const credentials: Credentials = {
  userId: "u1",
  token: "t",
  expiresAt: "2026-01-01T00:15:00Z",
  refreshToken: "r",
  refreshExpiresAt: "2026-02-01T00:00:00Z",
};

describe("stored credentials", () => {
  it("survive a round trip and are removed on log-out", () => {
    const storage = new MapStorage();
    saveCredentials(storage, credentials);
    expect(loadCredentials(storage)).toEqual(credentials);
    saveCredentials(storage, null);
    expect(loadCredentials(storage)).toBeNull();
  });

  it("are ignored when the stored value is not a login", () => {
    const storage = new MapStorage();
    storage.setItem("chat:credentials", "{not json");
    expect(loadCredentials(storage)).toBeNull();
    storage.setItem("chat:credentials", JSON.stringify({ token: "t" }));
    expect(loadCredentials(storage)).toBeNull();
  });
});
