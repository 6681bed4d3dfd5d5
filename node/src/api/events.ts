/**
 * Live events as Server-Sent Events: new records (of every family, or of `?family=`) and chain
 * events, with a heartbeat comment so that proxies keep the stream open. One subscription per
 * source serves every client; a client that stops reading is dropped rather than buffered
 * without end; the streams end when the API closes.
 */
import type { ServerResponse } from "node:http";
import type { StoredRecord } from "@stoa/core";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError } from "./errors.ts";
import { openFamilies } from "./node-info.ts";
import { familyStore } from "./records.ts";
import { errors } from "./schemas.ts";

export interface EventStreamOptions {
  /** Interval of the heartbeat comment (ms). */
  heartbeatMs: number;
  /** Most open streams at once. */
  maxClients: number;
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes: number;
}

export const DEFAULT_EVENT_STREAM_OPTIONS: EventStreamOptions = {
  heartbeatMs: 15_000,
  maxClients: 1_000,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** Where chain events come from: subscribe with a handler, get the unsubscribe function. */
export type ChainEventSource = (handler: (event: unknown) => void) => () => void;

interface Client {
  raw: ServerResponse;
  family?: string;
  chain: boolean;
}

export class EventHub {
  readonly #ctx: DaemonContext;
  readonly #options: EventStreamOptions;
  readonly #chainEvents?: ChainEventSource;
  readonly #clients = new Set<Client>();
  #unsubscribe: (() => void)[] = [];
  #heartbeat?: ReturnType<typeof setInterval>;
  #sequence = 0;
  #closed = false;

  constructor(ctx: DaemonContext, options: EventStreamOptions, chainEvents?: ChainEventSource) {
    this.#ctx = ctx;
    this.#options = options;
    this.#chainEvents = chainEvents;
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Starts streaming to `reply` (taken over from Fastify). */
  open(reply: FastifyReply, filter: { family?: string; chain: boolean }): void {
    if (this.#closed) throw new ApiError(503, "shutting-down", "the node is shutting down");
    if (this.#clients.size >= this.#options.maxClients) {
      throw new ApiError(503, "too-many-streams", "too many event streams are open; try again later");
    }
    this.#subscribe();
    const headers = reply.getHeaders();
    void reply.hijack();
    const raw = reply.raw;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) raw.setHeader(name, value);
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    raw.write(`retry: 3000\n: connected\n\n`);
    const client: Client = { raw, ...filter };
    this.#clients.add(client);
    raw.on("close", () => this.#clients.delete(client));
  }

  /** Ends every stream and drops the subscriptions (the API's preClose). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    for (const client of this.#clients) client.raw.end();
    this.#clients.clear();
  }

  /** Subscribes to the sources once, with the first client. */
  #subscribe(): void {
    if (this.#unsubscribe.length > 0) return;
    for (const store of openFamilies(this.#ctx)) {
      this.#unsubscribe.push(store.subscribe((records) => this.#records(store.family, records)));
    }
    if (this.#chainEvents) this.#unsubscribe.push(this.#chainEvents((event) => this.#chain(event)));
    this.#heartbeat = setInterval(() => this.#broadcast(() => true, ": heartbeat\n\n"), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  #records(family: string, records: StoredRecord[]): void {
    const frame = this.#frame("records", { family, records });
    this.#broadcast((client) => client.family === undefined || client.family === family, frame);
  }

  #chain(event: unknown): void {
    this.#broadcast((client) => client.chain, this.#frame("chain", event));
  }

  #frame(event: string, data: unknown): string {
    return `id: ${++this.#sequence}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  #broadcast(wanted: (client: Client) => boolean, frame: string): void {
    for (const client of this.#clients) {
      if (!wanted(client)) continue;
      if (client.raw.writableLength > this.#options.maxBufferedBytes) {
        // It stopped reading: drop it, it can reconnect.
        client.raw.destroy();
        this.#clients.delete(client);
        continue;
      }
      client.raw.write(frame);
    }
  }
}

export function registerEventRoutes(app: ApiApp, ctx: DaemonContext, hub: EventHub): void {
  app.get(
    "/v1/events",
    {
      schema: {
        tags: ["live"],
        summary: "Live events (Server-Sent Events)",
        description:
          "`event: records` with `{ family, records }` for every batch of new records (of `family` only, if " +
          "given), `event: chain` with each indexed contract event (unless `chain=false`), and a `: heartbeat` " +
          "comment every 15 s.",
        querystring: z.object({
          family: z.string().max(64).optional(),
          chain: z.enum(["true", "false"]).optional(),
        }),
        response: {
          200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
          ...errors(400, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { family, chain } = request.query;
      if (family !== undefined) familyStore(ctx, family);
      hub.open(reply, { family, chain: chain !== "false" });
    },
  );
}
