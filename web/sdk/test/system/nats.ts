/**
 * Just enough of the NATS client protocol to delete a JetStream stream (the relay creates one
 * per subject prefix), so that a test run leaves nothing behind on the shared NATS server. The
 * Rust harness does the same in tests/system/harness/streams.rs.
 */

import { randomUUID } from "node:crypto";
import { connect } from "node:net";

/** `<PREFIX>_EVENTS`, as `chat_nats::Subjects::stream_name` makes it. */
export function streamName(prefix: string): string {
  return `${prefix.replace(/[.-]/g, "_").toUpperCase()}_EVENTS`;
}

/**
 * Deletes `stream` on the NATS server at `natsUrl`; a stream that does not exist is fine.
 * Answers what the server said, or throws after `withinMs`.
 */
export function deleteStream(natsUrl: string, stream: string, withinMs = 10_000): Promise<"deleted" | "not_found"> {
  const url = new URL(natsUrl);
  const inbox = `_INBOX.sdk_${randomUUID().replace(/-/g, "")}`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port || 4222), url.hostname);
    let buffer = Buffer.alloc(0);
    let greeted = false;
    const timer = setTimeout(() => finish(new Error(`no answer from NATS at ${natsUrl} within ${withinMs} ms`)), withinMs);

    function finish(outcome: Error | "deleted" | "not_found"): void {
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }

    socket.on("error", (error) => finish(error));
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf("\r\n");
        if (end < 0) return;
        const line = buffer.subarray(0, end).toString("utf8");
        if (line.startsWith("MSG ")) {
          // MSG <subject> <sid> [reply-to] <#bytes>
          const size = Number(line.split(" ").at(-1));
          if (buffer.length < end + 2 + size + 2) return;
          const payload = buffer.subarray(end + 2, end + 2 + size).toString("utf8");
          buffer = buffer.subarray(end + 2 + size + 2);
          const answer = JSON.parse(payload) as { success?: boolean; error?: { code?: number; description?: string } };
          if (answer.success === true) finish("deleted");
          else if (answer.error?.code === 404) finish("not_found");
          else finish(new Error(`deleting stream ${stream}: ${payload}`));
          return;
        }
        buffer = buffer.subarray(end + 2);
        if (line.startsWith("INFO ") && !greeted) {
          greeted = true;
          socket.write(
            `CONNECT {"verbose":false,"pedantic":false,"lang":"node","version":"0","protocol":1}\r\n` +
              `SUB ${inbox} 1\r\n` +
              `PUB $JS.API.STREAM.DELETE.${stream} ${inbox} 0\r\n\r\n`,
          );
        } else if (line === "PING") {
          socket.write("PONG\r\n");
        } else if (line.startsWith("-ERR")) {
          finish(new Error(`NATS refused: ${line}`));
          return;
        }
      }
    });
  });
}
