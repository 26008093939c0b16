/**
 * Black-box harness for the SDK's system tests, after the Rust one (tests/system/harness/:
 * database.rs, process.rs, stack.rs, streams.rs): a fresh database on the local Postgres, a
 * fresh NATS subject prefix, `chat migrate`, then every role of the real `chat` binary as its own
 * process on free ports (`chat commands`, `chat projections`, `chat relay`, and gateways), each
 * awaited by its readiness line on stdout. `stop()` kills the processes, drops the database and
 * deletes the relay's JetStream stream; call it from `afterAll`, so that it runs when a test
 * fails too. With `webDir`, the API also serves the web client, and lists the gateways for it
 * (the client's browser tests).
 *
 * The binary is `$CHAT_BIN`, else `$CARGO_TARGET_DIR/debug/chat`, else `../target/debug/chat`
 * (relative to web/). Postgres: `$DATABASE_URL` (the maintenance database, default
 * `postgres://postgres@127.0.0.1:5432/postgres`); NATS: `$NATS_URL` (default
 * `nats://127.0.0.1:4222`).
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import WebSocket from "ws";

import { ChatApi, type ChatApiOptions } from "../../src/rest";
import type { WebSocketFactory } from "../../src/socket";
import { deleteStream, streamName } from "./nats";

const run = promisify(execFile);

const PASSWORD = "correct horse battery";

/** web/ */
const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export function chatBinary(): string {
  const candidates = [
    process.env["CHAT_BIN"],
    process.env["CARGO_TARGET_DIR"] === undefined ? undefined : resolve(process.env["CARGO_TARGET_DIR"], "debug/chat"),
    resolve(WEB_ROOT, "../target/debug/chat"),
  ].filter((candidate): candidate is string => candidate !== undefined && candidate !== "");
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`no chat binary: set CHAT_BIN or build it (cargo build --bin chat); looked at ${candidates.join(", ")}`);
  }
  return found;
}

/** The readiness line each role prints (src/roles.rs). */
const READY_LINE: Record<Role, string> = {
  commands: "listening api ",
  gateway: "listening gateway ",
  projections: "running projections",
  relay: "running relay",
};

export type Role = "commands" | "gateway" | "projections" | "relay";

/** One `chat <role>` process. */
export class Server {
  /** `http://…` for `commands`, `ws://…/v1/ws` for a gateway, `null` otherwise. */
  url: string | null = null;
  private exited: Promise<void>;
  private alive = true;

  constructor(
    readonly role: Role,
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolveExit) => {
      child.once("exit", () => {
        this.alive = false;
        resolveExit();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.alive;
  }

  /** Waits for the readiness line; fails if the process exits first or `withinMs` passes. */
  async ready(withinMs = 60_000): Promise<void> {
    const stdout = this.child.stdout;
    if (stdout === null) throw new Error("stdout is not piped");
    const lines = createInterface({ input: stdout });
    const expected = READY_LINE[this.role];
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`chat ${this.role} (${this.name}) not ready within ${withinMs} ms`)), withinMs);
      lines.on("line", (line) => {
        if (!line.startsWith(expected)) return;
        if (this.role === "commands" || this.role === "gateway") this.url = line.slice(expected.length).trim();
        clearTimeout(timer);
        resolveReady();
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`chat ${this.role} (${this.name}) exited before it was ready`));
      });
    });
    // Keep reading stdout so that the child never blocks on a full pipe.
    lines.removeAllListeners("line");
    lines.on("line", () => undefined);
  }

  /** SIGKILL, as in a crash, and wait for the exit. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM (a gateway drains: `reconnect` + 4009), then SIGKILL after `withinMs`. */
  async terminate(withinMs = 20_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), withinMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface StackOptions {
  gateways?: number;
  /** Extra environment for every role. */
  env?: Record<string, string>;
  /**
   * Serve the web client from this directory (`CHAT_WEB_DIR`). The gateways then start before
   * the API, which lists them in `GET /v1/client-config` (`CHAT_PUBLIC_GATEWAYS`).
   */
  webDir?: string;
}

/** A registered user: a logged-in client, and what a person would type to log in. */
export interface Account {
  api: ChatApi;
  username: string;
  password: string;
}

/** Processes started by any stack of this test process, killed if the process exits abruptly. */
const everyChild = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of everyChild) child.kill("SIGKILL");
});

export class Stack {
  readonly servers: Server[] = [];
  readonly gateways: Server[] = [];
  private stopped = false;

  private constructor(
    readonly binary: string,
    readonly adminUrl: string,
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly natsUrl: string,
    /** `t` and 12 hex digits, the shape the Rust harness sweeps when a run leaves it behind. */
    readonly prefix: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The secret the servers sign tokens with, so that tests can forge (e.g. expired) ones. */
  get jwtSecret(): string {
    return this.env["CHAT_JWT_SECRET"] ?? "";
  }

  /** Runs a one-off `chat <args…>` with the stack's configuration; answers its stdout. */
  async chat(args: string[], withinMs = 120_000): Promise<string> {
    const { stdout } = await run(this.binary, args, { env: { ...process.env, ...this.env }, timeout: withinMs });
    return stdout;
  }

  /** A token signed like the API's (HS256, key id `default`), valid or not. */
  forgeToken(userId: string, expiresInSecs: number): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${encode({ typ: "JWT", alg: "HS256", kid: "default" })}.${encode({ sub: userId, iat: now - 10, exp: now + expiresInSecs })}`;
    return `${unsigned}.${createHmac("sha256", this.jwtSecret).update(unsigned).digest("base64url")}`;
  }

  /** A fresh database and prefix, migrated, with every role running (`gateways` gateways). */
  static async start(options: StackOptions = {}): Promise<Stack> {
    const binary = chatBinary();
    const adminUrl = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const databaseName = `chat_sdk_test_${randomUUID().replace(/-/g, "")}`;
    const databaseUrl = withDatabase(adminUrl, databaseName);
    const natsUrl = process.env["NATS_URL"] ?? "nats://127.0.0.1:4222";
    const prefix = `t${randomBytes(6).toString("hex")}`;
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      CHAT_NATS_PREFIX: prefix,
      // Uploaded files in a directory of the stack's own, removed with it.
      CHAT_STORAGE_URL: `file://${resolve(tmpdir(), `chat-sdk-test-uploads-${prefix}`)}`,
      CHAT_HTTP_ADDR: "127.0.0.1:0",
      CHAT_GATEWAY_ADDR: "127.0.0.1:0",
      CHAT_JWT_SECRET: `sdk-system-test-${randomBytes(24).toString("hex")}`,
      CHAT_DB_MAX_CONNECTIONS: "10",
      // Tests that are not about rate limits must not meet them.
      CHAT_POST_RATE: "100000",
      CHAT_POST_BURST: "100000",
      CHAT_AUTH_RATE_PER_MINUTE: "1000000",
      CHAT_AUTH_BURST: "100000",
      CHAT_WS_COMMAND_RATE: "100000",
      RUST_LOG: process.env["RUST_LOG"] ?? "warn",
      ...options.env,
    };
    const stack = new Stack(binary, adminUrl, databaseName, databaseUrl, natsUrl, prefix, env);
    try {
      await run("psql", [adminUrl, "-qc", `CREATE DATABASE ${databaseName}`]);
      await run(binary, ["migrate"], { env: { ...process.env, ...env }, timeout: 120_000 });
      const gateways = options.gateways ?? 2;
      if (options.webDir === undefined) {
        await stack.startRole("commands", "commands");
      } else {
        for (let index = 1; index <= gateways; index += 1) await stack.startGateway(`gw-${index}`);
        await stack.startRole("commands", "commands", {
          CHAT_WEB_DIR: options.webDir,
          CHAT_PUBLIC_GATEWAYS: stack.gatewayUrls.join(","),
        });
      }
      await stack.startRole("projections", "projections");
      await stack.startRole("relay", "relay");
      for (let index = stack.gateways.length + 1; index <= gateways; index += 1) await stack.startGateway(`gw-${index}`);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** `http://127.0.0.1:<port>` of the REST API. */
  get apiUrl(): string {
    const commands = this.servers.find((server) => server.role === "commands");
    if (commands?.url == null) throw new Error("the command service is not running");
    return commands.url;
  }

  get gatewayUrls(): string[] {
    return this.gateways.map((gateway) => {
      if (gateway.url === null) throw new Error(`gateway ${gateway.name} has no URL`);
      return gateway.url;
    });
  }

  /** A new gateway, on a free port or on `address` (`host:port`, e.g. a dead gateway's). */
  async startGateway(id: string, address?: string): Promise<Server> {
    const server = await this.startRole("gateway", id, { CHAT_GATEWAY_ID: id, ...(address === undefined ? {} : { CHAT_GATEWAY_ADDR: address }) });
    this.gateways.push(server);
    return server;
  }

  private async startRole(role: Role, name: string, extraEnv: Record<string, string> = {}): Promise<Server> {
    const child = spawn(this.binary, [role], {
      env: { ...process.env, ...this.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    everyChild.add(child);
    child.once("exit", () => everyChild.delete(child));
    // Server logs (warnings and errors only) go to the test's stderr, named.
    if (child.stderr !== null) {
      createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`[${name}] ${line}\n`));
    }
    const server = new Server(role, name, child);
    this.servers.push(server);
    await server.ready();
    return server;
  }

  /** A client of the REST API, not logged in. */
  api(): ChatApi {
    return new ChatApi({ baseUrl: this.apiUrl });
  }

  /** Registers a fresh user; answers a logged-in client. */
  async user(name: string, options: Omit<ChatApiOptions, "baseUrl"> = {}): Promise<ChatApi> {
    return (await this.account(name, options)).api;
  }

  /** Registers a fresh user named `<name>_<8 hex digits>`; answers the client and the login. */
  async account(name: string, options: Omit<ChatApiOptions, "baseUrl"> = {}): Promise<Account> {
    const api = new ChatApi({ baseUrl: this.apiUrl, ...options });
    const username = `${name}_${randomBytes(4).toString("hex")}`;
    await api.register({ username, password: PASSWORD });
    return { api, username, password: PASSWORD };
  }

  /** A fresh global administrator (`chat users grant-admin`), logged in with the claim. */
  async operator(): Promise<ChatApi> {
    const api = await this.user("operator");
    const me = await eventually("the operator's profile", () => api.me().catch(() => undefined));
    await this.chat(["users", "grant-admin", me.username]);
    await api.login(me.username, PASSWORD);
    return api;
  }

  /** Kills every process, drops the database and deletes the stream. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.servers.map((server) => server.kill()));
    const problems: string[] = [];
    try {
      await run("psql", [this.adminUrl, "-qc", `DROP DATABASE IF EXISTS ${this.databaseName} WITH (FORCE)`]);
    } catch (error) {
      problems.push(`drop database ${this.databaseName}: ${String(error)}`);
    }
    try {
      await deleteStream(this.natsUrl, streamName(this.prefix));
    } catch (error) {
      problems.push(`delete stream ${streamName(this.prefix)}: ${String(error)}`);
    }
    rmSync(this.env["CHAT_STORAGE_URL"]?.replace("file://", "") ?? "", { recursive: true, force: true });
    if (problems.length > 0) process.stderr.write(`harness clean-up: ${problems.join("; ")}\n`);
  }
}

/** Opens sockets with the `ws` package (Node 20 has no stable global WebSocket). */
export const nodeWebSocket: WebSocketFactory = (url) => new WebSocket(url);

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Polls `check` until it answers a value (not `undefined`/`false`) or `withinMs` passes. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await new Promise((resolveTick) => setTimeout(resolveTick, 20));
  }
}
