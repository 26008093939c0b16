import { describe, expect, it } from "vitest";

import { MemoryPositionStore, WebStoragePositionStore, webStorageStores } from "../../src/stores";
import { MapStorage, ROOM, ROOM2 } from "./fakes";

describe("position stores", () => {
  it("keep one key per room in Web Storage, survive a new instance, and forget", () => {
    const storage = new MapStorage();
    const positions = new WebStoragePositionStore(storage, "chat:alice");
    positions.set(ROOM, 3);
    positions.set(ROOM2, 12);
    positions.set(ROOM, 4);
    expect(storage.getItem(`chat:alice:pos:${ROOM}`)).toBe("4");
    expect(new WebStoragePositionStore(storage, "chat:alice").load()).toEqual(new Map([[ROOM, 4], [ROOM2, 12]]));
    positions.delete(ROOM2);
    expect(new WebStoragePositionStore(storage, "chat:alice").load()).toEqual(new Map([[ROOM, 4]]));
  });

  it("keep users apart and ignore what is not a position", () => {
    const storage = new MapStorage();
    const { positions } = webStorageStores(storage, "chat:alice");
    positions.set(ROOM, 3);
    storage.setItem(`chat:alice:pos:${ROOM2}`, "not a number");
    storage.setItem("unrelated", "7");
    expect(webStorageStores(storage, "chat:bob").positions.load()).toEqual(new Map());
    expect(positions.load()).toEqual(new Map([[ROOM, 3]]));
  });

  it("in memory: hand out copies", () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 1);
    const loaded = positions.load();
    loaded.set(ROOM, 99);
    expect(positions.load().get(ROOM)).toBe(1);
  });
});
