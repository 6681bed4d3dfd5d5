/**
 * `stoa daemon`: wires the parts together and runs them until SIGINT/SIGTERM. Start order: chain
 * (dev chain or RPC, and its indexer) -> light node -> HTTP API; stop order is the reverse, and the
 * process exits 0 after a graceful stop.
 */
import { prometheusMetrics } from "@libp2p/prometheus-metrics";
import { tcp } from "@libp2p/tcp";
import { webSockets } from "@libp2p/websockets";
import { loopbackOnlyGater, StoaNode } from "@stoa/core";
import { nodeStorage } from "@stoa/core/node";
import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { Registry } from "prom-client";
import { resolveDappDir } from "./api/dapp.ts";
import { createApi } from "./api/server.ts";
import { ChainService } from "./chain/service.ts";
import type { StoaConfig } from "./config.ts";
import type { DaemonContext } from "./context.ts";
import { guardUnhandledRejections } from "./process-guard.ts";
import { paths, readAdminToken } from "./repo.ts";

export interface RunningDaemon {
  ctx: DaemonContext;
  api: FastifyInstance;
  /** The API's URL (also serves the dApp when dapp.dir is set). */
  url: string;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  repo: string;
  config: StoaConfig;
  logger?: Logger;
  /** Progress lines for the terminal ("starting the dev chain..."). */
  onProgress?: (line: string) => void;
}

export async function startDaemon({
  repo,
  config,
  logger,
  onProgress = () => {},
}: DaemonOptions): Promise<RunningDaemon> {
  // Logs (JSON, one line each) go to stderr; stdout carries the daemon's summary only.
  const log = logger ?? pino({ level: config.log.level }, pino.destination(2));
  const stack: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const stop of stack.reverse()) await stop().catch((error: Error) => log.error({ err: error }, "stop failed"));
    stack.length = 0;
  };
  // A dApp folder that is not built fails now, not after the chain has started.
  if (config.dapp.dir) resolveDappDir(config.dapp.dir);
  stack.push(guardUnhandledRejections(log));
  try {
    onProgress(
      config.chain.mode === "dev"
        ? "starting the dev chain and deploying the contracts"
        : `connecting to ${config.chain.rpcUrl}`,
    );
    const chain = await ChainService.start({ config, repo, logger: log.child({ part: "chain" }) });
    stack.push(() => chain.stop());

    onProgress("starting the light node");
    // libp2p reports its connections, streams and transfer figures into the registry /metrics serves.
    const metrics = new Registry();
    const peerLog = log.child({ part: "peers" });
    const node = new StoaNode({
      network: config.network,
      ...nodeStorage(paths(repo).node),
      transports: [tcp(), webSockets()],
      listen: config.p2p.listen,
      peers: config.p2p.peers,
      onPeerEvent: (event) => {
        if (event.type === "disconnected") peerLog.warn(event, "configured peer disconnected");
        else if (event.type === "dial-failed") peerLog.warn(event, "configured peer not reached");
        else if (event.type === "connected") peerLog.info(event, "configured peer connected");
        else peerLog.debug(event, "configured peer to be dialled again");
      },
      connectionGater: config.p2p.loopbackOnly ? loopbackOnlyGater : undefined,
      content: { maxBytes: config.content.maxBytes },
      metrics: prometheusMetrics({ registry: metrics, collectDefaultMetrics: false }),
    });
    await node.start();
    stack.push(() => node.stop());
    // The DAO's deny list, block by block: this node stops relaying and showing denied accounts.
    chain.onDenyListChange((change) => {
      void (change.denied ? node.deny(change.account) : node.allow(change.account));
    });

    onProgress("starting the HTTP API");
    const publicUrl = config.api.publicUrl || `http://${config.api.host}:${config.api.port}`;
    const ctx: DaemonContext = {
      config,
      repo,
      node,
      chain,
      logger: log,
      adminToken: readAdminToken(repo),
      publicUrl,
      startedAt: Date.now(),
      metrics,
    };
    const api = await createApi(ctx);
    const listening = await api.listen({ host: config.api.host, port: config.api.port });
    stack.push(() => api.close());
    const url = config.api.port === 0 ? listening.replace(/\[::1\]|localhost/, config.api.host) : publicUrl;
    if (config.api.port === 0) ctx.publicUrl = config.api.publicUrl || url;
    return { ctx, api, url, stop: unwind };
  } catch (error) {
    await unwind();
    throw error;
  }
}
