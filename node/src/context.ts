/**
 * What the daemon's parts share: the configuration, the repo, the light node, the chain service
 * and the logger. The CLI's `daemon` command builds it (daemon.ts); the API and the chain indexer
 * receive it; nothing reaches around it.
 */
import type { StoaNode } from "@stoa/core";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ChainService } from "./chain/service.ts";
import type { StoaConfig } from "./config.ts";

export interface DaemonContext {
  config: StoaConfig;
  /** The repo directory. */
  repo: string;
  node: StoaNode;
  chain: ChainService;
  logger: Logger;
  /** Bearer token of the admin routes (the local CLI reads it from the repo). */
  adminToken: string;
  /** The URL the API is reached at (SIWE domain and URI are checked against it). */
  publicUrl: string;
  startedAt: number;
  /** The Prometheus registry libp2p already reports into; /metrics adds the node's and the API's. */
  metrics?: Registry;
}
