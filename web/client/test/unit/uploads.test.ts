import { describe, expect, it } from "vitest";

import {
  MAX_FILES,
  type PendingFile,
  added,
  canSend,
  failed,
  finished,
  fitted,
  formatSize,
  percent,
  progressed,
  removed,
  uploadIds,
} from "../../src/model/uploads";

function chosen(count: number): PendingFile[] {
  let files: PendingFile[] = [];
  for (let key = 1; key <= count; key += 1) files = added(files, key, { name: `f${key}.txt`, size: 100 });
  return files;
}

describe("pending files", () => {
  it("start uploading, show progress, and end with an upload id", () => {
    let files = added([], 1, { name: "a.png", size: 200 });
    expect(files[0]).toMatchObject({ state: "uploading", loaded: 0, uploadId: null });
    files = progressed(files, 1, 50);
    expect(percent(files[0]!)).toBe(25);
    files = progressed(files, 1, 999);
    expect(files[0]!.loaded).toBe(200);
    files = finished(files, 1, "u1");
    expect(files[0]).toMatchObject({ state: "done", loaded: 200, uploadId: "u1" });
    expect(percent(files[0]!)).toBe(100);
  });

  it("keep the server's reason when an upload fails, and ignore late progress", () => {
    let files = failed(chosen(1), 1, "The file is too large.");
    files = progressed(files, 1, 10);
    expect(files[0]).toMatchObject({ state: "failed", error: "The file is too large.", loaded: 0 });
  });

  it("name a nameless file and refuse the one past the limit at once", () => {
    expect(added([], 1, { name: "", size: 1 })[0]!.name).toBe("file");
    const files = added(chosen(MAX_FILES), 99, { name: "extra", size: 1 });
    expect(files[MAX_FILES]).toMatchObject({ state: "failed", error: `At most ${MAX_FILES} files a message.` });
  });

  it("post the finished uploads' ids in the order chosen, and drop removed ones", () => {
    let files = chosen(3);
    files = finished(files, 3, "u3");
    files = finished(files, 1, "u1");
    files = failed(files, 2, "no");
    expect(uploadIds(files)).toEqual(["u1", "u3"]);
    expect(uploadIds(removed(files, 1))).toEqual(["u3"]);
  });

  it("let a send go only when no upload runs and there is text or a file", () => {
    expect(canSend("", [])).toBe(false);
    expect(canSend("  hi ", [])).toBe(true);
    const running = chosen(1);
    expect(canSend("hi", running)).toBe(false);
    expect(canSend("", finished(running, 1, "u1"))).toBe(true);
    expect(canSend("", failed(running, 1, "no"))).toBe(false);
    expect(canSend("hi", failed(running, 1, "no"))).toBe(true);
  });
});

describe("formatSize", () => {
  it("reads as people read sizes", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(1024)).toBe("1 KB");
    expect(formatSize(1536)).toBe("1.5 KB");
    expect(formatSize(12 * 1024 * 1024 + 1)).toBe("12 MB");
    expect(formatSize(-1)).toBe("");
  });
});

describe("fitted", () => {
  it("scales an image down into the box, keeping its shape, and never up", () => {
    expect(fitted(1200, 800, 240)).toEqual({ width: 240, height: 160 });
    expect(fitted(100, 50, 240)).toEqual({ width: 100, height: 50 });
    expect(fitted(null, null, 240)).toEqual({ width: 240, height: 240 });
  });
});
