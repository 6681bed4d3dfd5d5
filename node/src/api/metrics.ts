/**
 * Prometheus metrics at GET /metrics: prom-client's process metrics, the API's request counts and
 * durations (by route pattern, so that ids in paths do not explode the label space), and Stoa's
 * gauges read at scrape time: records per family, peers and connections, refusals by reason,
 * the gossip guard's counters, sessions and event streams, and the chain indexer's position.
 * Each API has its own registry, so that several nodes in one process do not collide.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import { unhandledRejectionCount } from "../process-guard.ts";
import type { ApiApp } from "./app.ts";
import { openFamilies } from "./node-info.ts";

export interface MetricSources {
  ctx: DaemonContext;
  sessions: () => number;
  streams: () => number;
}

/** Guard counters exported per family, by outcome. */
const GUARD_OUTCOMES = [
  "accepted",
  "rejected",
  "ignored",
  "known",
  "dropped",
  "walked",
  "handedOver",
  "errors",
] as const;

function httpMetrics(registry: Registry) {
  const labelNames = ["method", "route", "status"] as const;
  return {
    requests: new Counter({
      name: "stoa_http_requests_total",
      help: "HTTP requests answered",
      labelNames,
      registers: [registry],
    }),
    durations: new Histogram({
      name: "stoa_http_request_duration_seconds",
      help: "Time to answer HTTP requests",
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

function nodeGauges(registry: Registry, { ctx, sessions, streams }: MetricSources): void {
  const running = () => ctx.node.isStarted;
  new Gauge({
    name: "stoa_records",
    help: "Visible current records per family",
    labelNames: ["family"],
    registers: [registry],
    async collect() {
      if (!running()) return;
      for (const store of openFamilies(ctx)) this.set({ family: store.family }, await store.count());
    },
  });
  new Gauge({
    name: "stoa_peers",
    help: "Connected libp2p peers",
    registers: [registry],
    collect() {
      if (running()) this.set(ctx.node.peers().length);
    },
  });
  new Gauge({
    name: "stoa_libp2p_connections",
    help: "Open libp2p connections, by direction",
    labelNames: ["direction"],
    registers: [registry],
    collect() {
      if (!running()) return;
      this.reset();
      for (const connection of ctx.node.libp2p.getConnections()) this.inc({ direction: connection.direction });
    },
  });
  new Counter({
    name: "stoa_refusals_total",
    help: "Entries and writes refused, by reason",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(ctx.node.refusals.counts())) this.inc({ reason }, count ?? 0);
    },
  });
  new Gauge({
    name: "stoa_api_sessions",
    help: "Open SIWE sessions",
    registers: [registry],
    collect() {
      this.set(sessions());
    },
  });
  new Gauge({
    name: "stoa_api_event_streams",
    help: "Open event streams",
    registers: [registry],
    collect() {
      this.set(streams());
    },
  });
  new Counter({
    name: "stoa_unhandled_rejections_total",
    help: "Promise rejections nobody handled, logged and survived (each one is a bug)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(unhandledRejectionCount());
    },
  });
}

function guardMetrics(registry: Registry, ctx: DaemonContext): void {
  new Counter({
    name: "stoa_guard_messages_total",
    help: "Gossip messages seen by the guard, per family and outcome",
    labelNames: ["family", "outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [family, stats] of Object.entries(ctx.node.guardStats().families)) {
        for (const outcome of GUARD_OUTCOMES) this.inc({ family, outcome }, stats?.[outcome] ?? 0);
      }
    },
  });
  new Gauge({
    name: "stoa_guard_validation_p95_seconds",
    help: "95th percentile of the guard's validation time, per family (last 1,024 messages)",
    labelNames: ["family"],
    registers: [registry],
    collect() {
      for (const [family, stats] of Object.entries(ctx.node.guardStats().families)) {
        this.set({ family }, (stats?.ms.p95 ?? 0) / 1000);
      }
    },
  });
  new Gauge({
    name: "stoa_guard_penalised_peers",
    help: "Peers with guard penalties, and how many of them gossipsub graylists",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const { peers } = ctx.node.guardStats();
      this.set({ state: "penalised" }, peers.length);
      this.set({ state: "graylisted" }, peers.filter((peer) => peer.graylisted).length);
    },
  });
}

function chainGauges(registry: Registry, ctx: DaemonContext): void {
  const status = () => ctx.chain.indexer.status;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge("stoa_chain_head_block", "The chain's head at the indexer's last poll", () => status().head);
  gauge("stoa_chain_indexed_block", "The last block the chain indexer indexed", () => status().block);
  gauge("stoa_chain_indexer_lag_blocks", "Blocks between the head and the indexer", () => status().lag);
  gauge("stoa_chain_indexer_synced", "1 when the chain indexer has caught up", () => (status().synced ? 1 : 0));
}

export class ApiMetrics {
  readonly registry: Registry;
  readonly #http: ReturnType<typeof httpMetrics>;

  constructor(sources: MetricSources) {
    this.registry = sources.ctx.metrics ?? new Registry();
    collectDefaultMetrics({ register: this.registry });
    this.#http = httpMetrics(this.registry);
    nodeGauges(this.registry, sources);
    guardMetrics(this.registry, sources.ctx);
    chainGauges(this.registry, sources.ctx);
  }

  /** onResponse hook: counts the request and its duration under its route pattern. */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status: String(reply.statusCode),
    };
    this.#http.requests.inc(labels);
    this.#http.durations.observe(labels, reply.elapsedTime / 1000);
  }
}

export function registerMetricsRoute(app: ApiApp, metrics: ApiMetrics): void {
  app.get(
    "/metrics",
    {
      schema: {
        tags: ["operations"],
        summary: "Prometheus metrics",
        response: {
          200: { description: "Prometheus text format", content: { "text/plain": { schema: z.string() } } },
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
