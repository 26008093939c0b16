import { describe, expect, it } from "vitest";

import { findGateways, gatewayUrls, resolveGateway } from "../../src/gateways";

const page = { protocol: "http:", host: "chat.example:8080", hostname: "chat.example", search: "" };
const securePage = { ...page, protocol: "https:", host: "chat.example" };

describe("resolveGateway", () => {
  it("keeps an absolute ws(s) URL", () => {
    expect(resolveGateway("wss://gw.example/v1/ws", page)).toBe("wss://gw.example/v1/ws");
  });

  it("puts a path on the page's host, with the page's security", () => {
    expect(resolveGateway("/v1/ws", page)).toBe("ws://chat.example:8080/v1/ws");
    expect(resolveGateway("/v1/ws", securePage)).toBe("wss://chat.example/v1/ws");
  });

  it("puts a port and path on the page's host name", () => {
    expect(resolveGateway(":8081/v1/ws", page)).toBe("ws://chat.example:8081/v1/ws");
    expect(resolveGateway(":8443/v1/ws", securePage)).toBe("wss://chat.example:8443/v1/ws");
  });

  it("refuses anything else", () => {
    expect(resolveGateway("http://gw.example/v1/ws", page)).toBeNull();
    expect(resolveGateway("gw.example", page)).toBeNull();
  });
});

describe("gatewayUrls", () => {
  it("resolves every configured gateway, dropping the unusable", () => {
    expect(gatewayUrls({ gateways: [":8081/v1/ws", "nonsense", "ws://other:9/v1/ws"] }, page)).toEqual([
      "ws://chat.example:8081/v1/ws",
      "ws://other:9/v1/ws",
    ]);
  });

  it("pins the gateway named by ?gateway=", () => {
    const pinned = { ...page, search: "?gateway=ws%3A%2F%2F127.0.0.1%3A9000%2Fv1%2Fws" };
    expect(gatewayUrls({ gateways: [":8081/v1/ws"] }, pinned)).toEqual(["ws://127.0.0.1:9000/v1/ws"]);
  });

  it("falls back to /v1/ws on the page's host when nothing is configured", () => {
    expect(gatewayUrls({ gateways: [] }, page)).toEqual(["ws://chat.example:8080/v1/ws"]);
  });
});

describe("findGateways", () => {
  it("answers a pinned gateway without asking the server", async () => {
    const pinned = { ...page, search: "?gateway=wss%3A%2F%2Fgw.example%2Fv1%2Fws" };
    expect(await findGateways(pinned, "http://127.0.0.1:1")).toEqual(["wss://gw.example/v1/ws"]);
  });

  it("falls back to /v1/ws on the page's host when the configuration cannot be read", async () => {
    expect(await findGateways(page, "http://127.0.0.1:1")).toEqual(["ws://chat.example:8080/v1/ws"]);
  });
});
