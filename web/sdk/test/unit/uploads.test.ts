import { describe, expect, it } from "vitest";

import type { UploadView } from "../../src/contract";
import { ChatApiError } from "../../src/errors";
import { ChatApi, type Credentials } from "../../src/rest";
import { WebStorageOutboxStore } from "../../src/stores";
import { type XhrLike, fetchTransport, messageKind, xhrTransport } from "../../src/uploads";
import { MapStorage, fakeFetch, json } from "./fakes";

const LOGIN: Credentials = { userId: "u-1", token: "old", expiresAt: null, refreshToken: "r-1", refreshExpiresAt: null };

const UPLOADED: UploadView = {
  upload_id: "up-1",
  name: "photo.png",
  mime: "image/png",
  size: 10,
  sha256: "ab".repeat(32),
  width: 2,
  height: 1,
  thumbnail: true,
  created_at: "2026-12-12T10:00:00Z",
  expires_at: "2026-12-13T10:00:00Z",
};

/** An `XMLHttpRequest` whose server the test plays: it answers when `respond` is called. */
class FakeXhr implements XhrLike {
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: Blob | null = null;
  aborted = false;
  status = 0;
  responseText = "";
  private responseHeaders: Record<string, string> = {};
  upload: XhrLike["upload"] = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: Blob): void {
    this.body = body;
  }
  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }
  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name] ?? null;
  }

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true });
  }
  respond(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
}

function withXhr(): { api: ChatApi; xhrs: FakeXhr[] } {
  const xhrs: FakeXhr[] = [];
  const api = new ChatApi({
    baseUrl: "http://api/",
    credentials: LOGIN,
    fetch: async () => json(500, {}),
    uploadTransport: xhrTransport(() => {
      const xhr = new FakeXhr();
      xhrs.push(xhr);
      return xhr;
    }),
  });
  return { api, xhrs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("uploadFile", () => {
  it("sends the file as the body with its name and type, reports progress, and answers the upload", async () => {
    const { api, xhrs } = withXhr();
    const file = new File([new Uint8Array(10)], "photo (1).png", { type: "image/png" });
    const progress: Array<[number, number]> = [];
    const uploading = api.uploadFile(file, { onProgress: ({ loaded, total }) => progress.push([loaded, total]) });
    await settle();
    const [xhr] = xhrs;
    expect(xhr?.method).toBe("POST");
    expect(xhr?.url).toBe("http://api/v1/uploads?name=photo+%281%29.png");
    expect(xhr?.headers).toMatchObject({ authorization: "Bearer old", "content-type": "image/png" });
    expect(xhr?.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(xhr?.body).toBe(file);
    xhr?.progress(4, 10);
    xhr?.progress(10, 10);
    xhr?.respond(201, UPLOADED);
    await expect(uploading).resolves.toEqual(UPLOADED);
    expect(progress).toEqual([
      [0, 10],
      [4, 10],
      [10, 10],
    ]);
  });

  it("declares octet-stream for a blob without a type and names it `file` unless told", async () => {
    const { api, xhrs } = withXhr();
    const uploading = api.uploadFile(new Blob(["x"]));
    await settle();
    expect(xhrs[0]?.url).toBe("http://api/v1/uploads?name=file");
    expect(xhrs[0]?.headers["content-type"]).toBe("application/octet-stream");
    xhrs[0]?.respond(201, UPLOADED);
    await uploading;
    const named = api.uploadFile(new Blob(["x"]), { name: "notes.txt", type: "text/plain" });
    await settle();
    expect(xhrs[1]?.url).toBe("http://api/v1/uploads?name=notes.txt");
    expect(xhrs[1]?.headers["content-type"]).toBe("text/plain");
    xhrs[1]?.respond(201, UPLOADED);
    await named;
  });

  it("is cancelled by its signal", async () => {
    const { api, xhrs } = withXhr();
    const controller = new AbortController();
    const uploading = api.uploadFile(new Blob(["x".repeat(100)]), { signal: controller.signal });
    await settle();
    controller.abort();
    await expect(uploading).rejects.toMatchObject({ name: "AbortError" });
    expect(xhrs[0]?.aborted).toBe(true);
    const never = api.uploadFile(new Blob(["x"]), { signal: controller.signal });
    await expect(never).rejects.toMatchObject({ name: "AbortError" });
    expect(xhrs).toHaveLength(1);
  });

  it("turns a refusal into a ChatApiError with its code", async () => {
    const { api, xhrs } = withXhr();
    const uploading = api.uploadFile(new Blob(["%PDF-"]), { type: "image/png" });
    await settle();
    xhrs[0]?.respond(415, { error: { code: "mime_mismatch", message: "the file's content is application/pdf" } }, { "x-request-id": "r-9" });
    const error = await uploading.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ status: 415, code: "mime_mismatch", requestId: "r-9" });
  });

  it("refreshes an expired token once and sends the file again (over fetch, which reports start and end)", async () => {
    const refreshed = { user_id: "u-1", token: "new", expires_at: "2999-01-01T00:00:00Z", refresh_token: "r-2", refresh_expires_at: "2999-01-01T00:00:00Z" };
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith("/v1/auth/refresh")) return json(200, refreshed);
      if (call.authorization === "Bearer old") return json(401, { error: { code: "token_expired", message: "expired" } });
      return json(201, UPLOADED);
    });
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN, uploadTransport: fetchTransport(fetch) });
    const progress: number[] = [];
    await expect(api.uploadFile(new Blob(["0123456789"]), { onProgress: (p) => progress.push(p.loaded) })).resolves.toEqual(UPLOADED);
    expect(calls.map((call) => [call.url.replace("http://api", ""), call.authorization])).toEqual([
      ["/v1/client-config", null],
      ["/v1/uploads?name=file", "Bearer old"],
      ["/v1/auth/refresh", null],
      ["/v1/uploads?name=file", "Bearer new"],
    ]);
    expect(progress).toEqual([0, 0, 10]);
  });
});

describe("the upload limit", () => {
  const CONFIG = { gateways: [":8081/v1/ws"], uploads: { max_file_bytes: 1024 * 1024, quota_bytes: 1024 ** 3 } };

  function limited(config: () => Response): { api: ChatApi; xhrs: FakeXhr[]; configReads: () => number } {
    const xhrs: FakeXhr[] = [];
    const { fetch, calls } = fakeFetch((call) => (call.url.endsWith("/v1/client-config") ? config() : json(500, {})));
    const api = new ChatApi({
      baseUrl: "http://api",
      credentials: LOGIN,
      fetch,
      uploadTransport: xhrTransport(() => {
        const xhr = new FakeXhr();
        xhrs.push(xhr);
        return xhr;
      }),
    });
    return { api, xhrs, configReads: () => calls.length };
  }

  it("refuses a file over the server's limit before sending any of it, as the server would, naming the limit", async () => {
    const { api, xhrs } = limited(() => json(200, CONFIG));
    const error = await api.uploadFile(new Blob([new Uint8Array(3 * 1024 * 1024)])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ status: 413, code: "payload_too_large", message: "the file is larger than 1048576 bytes (1 MB)" });
    expect(xhrs).toHaveLength(0);
  });

  it("sends a file of exactly the limit, and reads the limits once for every upload", async () => {
    const { api, xhrs, configReads } = limited(() => json(200, CONFIG));
    const first = api.uploadFile(new Blob([new Uint8Array(1024 * 1024)]));
    await settle();
    xhrs[0]?.respond(201, UPLOADED);
    await expect(first).resolves.toEqual(UPLOADED);
    await expect(api.uploadFile(new Blob([new Uint8Array(1024 * 1024 + 1)]))).rejects.toMatchObject({ code: "payload_too_large" });
    expect(configReads()).toBe(1);
    expect(await api.uploadLimits()).toEqual(CONFIG.uploads);
  });

  it("sends the file when the limits cannot be read (the server still checks), and asks again next time", async () => {
    let answer = () => json(503, { error: { code: "unavailable", message: "try later" } });
    const { api, xhrs, configReads } = limited(() => answer());
    const big = new Blob([new Uint8Array(2 * 1024 * 1024)]);
    const first = api.uploadFile(big);
    await settle();
    expect(xhrs).toHaveLength(1);
    xhrs[0]?.respond(413, { error: { code: "payload_too_large", message: "the file is larger than 1048576 bytes" } });
    await expect(first).rejects.toMatchObject({ code: "payload_too_large" });
    answer = () => json(200, CONFIG);
    await expect(api.uploadFile(big)).rejects.toMatchObject({ message: "the file is larger than 1048576 bytes (1 MB)" });
    expect(xhrs).toHaveLength(1);
    expect(configReads()).toBe(2);
  });

  it("takes an older server's config, without limits, as no limits known", async () => {
    const { api, xhrs } = limited(() => json(200, { gateways: [] }));
    const uploading = api.uploadFile(new Blob([new Uint8Array(3 * 1024 * 1024)]));
    await settle();
    expect(xhrs).toHaveLength(1);
    xhrs[0]?.respond(201, UPLOADED);
    await expect(uploading).resolves.toEqual(UPLOADED);
  });
});

describe("posting files", () => {
  it("sends the uploads as attachments, without a body for a post of files alone", async () => {
    const { fetch, calls } = fakeFetch(() => json(201, { message_id: "m-1", seq: 4, duplicate: false }));
    const api = new ChatApi({ baseUrl: "http://api", fetch, credentials: LOGIN });
    await api.postMessage("room", null, { clientMsgId: "k-1", attachments: ["up-1", "up-2"] });
    await api.postMessage("room", "with text", { clientMsgId: "k-2", attachments: ["up-3"] });
    await api.postMessage("room", "plain", { clientMsgId: "k-3", attachments: [] });
    expect(calls.map((call) => call.body)).toEqual([
      { client_msg_id: "k-1", attachments: ["up-1", "up-2"] },
      { client_msg_id: "k-2", body: "with text", attachments: ["up-3"] },
      { client_msg_id: "k-3", body: "plain" },
    ]);
  });

  it("keeps an outbox post's attachments across a reload, and reads posts stored before attachments as having none", () => {
    const storage = new MapStorage();
    const store = new WebStorageOutboxStore(storage, "u-1");
    store.put({ clientMsgId: "k-1", roomId: "r", body: "", replyTo: null, mentions: [], attachments: ["up-1"], queuedAt: "t", ordinal: 0 });
    const old = { clientMsgId: "k-0", roomId: "r", body: "old", replyTo: null, mentions: [], queuedAt: "t", ordinal: -1 };
    const key = [...Array(storage.length).keys()].map((i) => storage.key(i)).find((k) => k?.includes("k-1")) ?? "";
    storage.setItem(key.replace("k-1", "k-0"), JSON.stringify(old));
    const loaded = new WebStorageOutboxStore(storage, "u-1").load();
    expect(loaded.map((post) => [post.clientMsgId, post.attachments])).toEqual([
      ["k-0", []],
      ["k-1", ["up-1"]],
    ]);
  });
});

describe("signed attachment URLs", () => {
  it("are asked for once, reused until a minute before they expire, and made absolute", async () => {
    let now = Date.parse("2026-12-12T10:00:00Z");
    let asked = 0;
    const { fetch, calls } = fakeFetch(() => {
      asked += 1;
      return json(200, {
        url: `/v1/files/r/a?expires=1&sig=s${asked}`,
        thumbnail_url: null,
        expires_at: new Date(now + 300_000).toISOString(),
      });
    });
    const api = new ChatApi({ baseUrl: "http://api/", fetch, credentials: LOGIN, now: () => now });
    expect(await api.attachmentSrc("r", "a")).toBe("http://api/v1/files/r/a?expires=1&sig=s1");
    expect(await api.attachmentSrc("r", "a", { thumbnail: true })).toBeNull();
    now += 200_000;
    expect(await api.attachmentSrc("r", "a")).toBe("http://api/v1/files/r/a?expires=1&sig=s1");
    now += 50_000;
    expect(await api.attachmentSrc("r", "a")).toBe("http://api/v1/files/r/a?expires=1&sig=s2");
    expect(calls.map((call) => call.url)).toEqual([
      "http://api/v1/rooms/r/attachments/a/links",
      "http://api/v1/rooms/r/attachments/a/links",
    ]);
  });
});

describe("messageKind", () => {
  it("is the server's rule: text without files, image when all are images, file otherwise", () => {
    expect(messageKind([])).toBe("text");
    expect(messageKind([{ mime: "image/png" }, { mime: "image/webp" }])).toBe("image");
    expect(messageKind([{ mime: "image/png" }, { mime: "application/pdf" }])).toBe("file");
  });
});
