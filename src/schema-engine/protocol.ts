/**
 * JSON-RPC 2.0 over stdio, one JSON message per line: the framing Prisma's CLI uses with its schema engine
 * (prisma/build/cli.js, class SchemaEngine: `handleResponse`, `runCommand`).
 *
 * Traffic goes both ways. The CLI sends requests with numeric ids; the engine answers each with `result`
 * or `error`. The engine may itself send a request to the CLI, which the CLI answers on stdin: `print`
 * (`{content}`), how `migrate diff` output reaches the user's terminal.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type RpcErrorObject, toRpcError } from "./errors";

export type RequestHandler = (method: string, params: unknown) => Promise<unknown>;

interface IncomingMessage {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: RpcErrorObject;
}

/** JSON-RPC's own code for a line that is not JSON. */
const PARSE_ERROR = -32700;

export class JsonRpcConnection {
  private nextOutgoingId = 1;
  private readonly pendingOutgoing = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /**
   * Requests run one at a time, in arrival order: a single engine instance serves them, and the CLI
   * never relies on concurrency (it awaits each call).
   */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  /** Serves requests until stdin closes (the CLI's `stop()`), then resolves once the last reply is written. */
  serve(handler: RequestHandler): Promise<void> {
    return new Promise((resolve) => {
      const lines = createInterface({ input: this.input, crlfDelay: Infinity });
      lines.on("line", (line) => this.receive(line, handler));
      lines.on("close", () => {
        for (const { reject } of this.pendingOutgoing.values()) reject(new Error("The CLI closed the connection."));
        void this.queue.then(resolve);
      });
    });
  }

  /** Sends a request to the CLI and waits for its answer. */
  call(method: string, params: unknown): Promise<unknown> {
    const id = this.nextOutgoingId++;
    return new Promise((resolve, reject) => {
      this.pendingOutgoing.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  private receive(line: string, handler: RequestHandler): void {
    if (!line.trim()) return;
    let message: IncomingMessage;
    try {
      message = JSON.parse(line) as IncomingMessage;
    } catch {
      this.send({
        jsonrpc: "2.0",
        id: null,
        error: {
          code: PARSE_ERROR,
          message: "Parse error",
          data: { is_panic: false, message: `Not JSON: ${line.slice(0, 200)}`, meta: {} },
        },
      });
      return;
    }
    if (message.method === undefined) {
      this.settleOutgoing(message);
      return;
    }
    const { id, method, params } = message;
    this.queue = this.queue.then(async () => {
      try {
        const result = await handler(method, params);
        // Methods like `reset` return nothing, but the CLI rejects a reply without a `result` key.
        this.send({ jsonrpc: "2.0", id, result: result ?? null });
      } catch (error) {
        this.send({ jsonrpc: "2.0", id, error: toRpcError(error) });
      }
    });
  }

  private settleOutgoing({ id, result, error }: IncomingMessage): void {
    const pending = typeof id === "number" ? this.pendingOutgoing.get(id) : undefined;
    if (!pending) return;
    this.pendingOutgoing.delete(id as number);
    if (error) pending.reject(new Error(error.message));
    else pending.resolve(result);
  }

  private send(message: object): void {
    this.output.write(`${JSON.stringify(message)}\n`);
  }
}
