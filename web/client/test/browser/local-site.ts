/**
 * A tiny website on 127.0.0.1 that a test controls: it serves the pages set with `serve` (the
 * verification file, a home page) and 404 for everything else. Domain checks reach it only when
 * the server runs with `CHAT_VERIFY_ALLOW_LOOPBACK=true`; the check's https attempt meets plain
 * http here, fails to connect, and falls back to http as it does on a real site without https.
 */

import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalSite {
  /** `127.0.0.1:<port>`, as an owner lists it. */
  domain: string;
  /** Serves `body` at `path` from now on. */
  serve(path: string, body: string, contentType?: string): void;
  close(): Promise<void>;
}

export async function startLocalSite(): Promise<LocalSite> {
  const pages = new Map<string, { body: string; contentType: string }>();
  const server: Server = createServer((request, response) => {
    const page = pages.get(new URL(request.url ?? "/", "http://site").pathname);
    if (page === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": page.contentType }).end(page.body);
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    domain: `127.0.0.1:${port}`,
    serve(path, body, contentType = "text/plain; charset=utf-8") {
      pages.set(path, { body, contentType });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
