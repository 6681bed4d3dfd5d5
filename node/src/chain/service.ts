/**
 * The daemon's chain: the JSON-RPC connection, the embedded dev chain in dev mode, and the
 * contract event indexer. The API and the CLI read the chain through it; the daemon wires its
 * deny-list hook to the light node.
 *
 *   const chain = await ChainService.start({ config, repo, logger });
 *   chain.rpcUrl                      // http://127.0.0.1:8545 (dev) or chain.rpcUrl (rpc)
 *   await chain.indexer.waitFor(receipt.blockNumber);
 *   await chain.indexer.orders({ buyer });
 *   chain.onDenyListChange(({ account, denied }) => ...);
 *   await chain.stop();
 *
 * dev mode: Hardhat's in-process network on 127.0.0.1:chain.devPort with StoaDev deployed; its
 * manifest is written to <repo>/chain/deployment.json. rpc mode: chain.rpcUrl with the manifest
 * chain.deployment (default deployments/<chainId>.json), refused unless it is of that chain.
 * The index lives in <repo>/chain/index.sqlite and survives restarts.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createNodeSqliteEngine } from "@stoa/core/node";
import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import { type DeploymentManifest, writeManifest } from "../../../scripts/lib/manifest.ts";
import type { StoaConfig } from "../config.ts";
import { paths } from "../repo.ts";
import { type DevChain, startDevChain } from "./dev-chain.ts";
import { ChainConfigError } from "./errors.ts";
import { ChainIndexer, type DenyListChange, type IndexerOptions } from "./indexer.ts";
import { checkDeployed, connectProvider, fetchChainId, loadManifest } from "./rpc.ts";

export type ChainMode = "dev" | "rpc";

export interface ChainServiceOptions {
  config: StoaConfig;
  /** The repo directory: the index and the dev chain's manifest go to its chain/ folder. */
  repo: string;
  logger: Logger;
  /** Indexer tuning; the defaults suit the mode (250 ms polls on the dev chain, 2 s elsewhere). */
  indexer?: IndexerOptions;
}

/** A block, as `head()` reports it. */
export interface BlockRef {
  number: number;
  hash: string;
  /** Unix seconds. */
  timestamp: number;
}

export const INDEX_FILE = "index.sqlite";
export const DEV_MANIFEST_FILE = "deployment.json";

export class ChainService {
  readonly mode: ChainMode;
  readonly chainId: number;
  /** The JSON-RPC URL wallets and the dApp use (the dev chain's real port in dev mode). */
  readonly rpcUrl: string;
  /** Where the contracts are and their ABIs (scripts/lib/manifest.ts). */
  readonly manifest: DeploymentManifest;
  /** The manifest's file: written in dev mode, read in rpc mode. */
  readonly manifestPath: string;
  readonly provider: JsonRpcProvider;
  /** The contract event index: status, queries, subscriptions. */
  readonly indexer: ChainIndexer;
  readonly #devChain: DevChain | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(fields: {
    mode: ChainMode;
    chainId: number;
    rpcUrl: string;
    manifest: DeploymentManifest;
    manifestPath: string;
    provider: JsonRpcProvider;
    indexer: ChainIndexer;
    devChain: DevChain | undefined;
  }) {
    this.mode = fields.mode;
    this.chainId = fields.chainId;
    this.rpcUrl = fields.rpcUrl;
    this.manifest = fields.manifest;
    this.manifestPath = fields.manifestPath;
    this.provider = fields.provider;
    this.indexer = fields.indexer;
    this.#devChain = fields.devChain;
  }

  /**
   * Connects to the chain (starting the dev chain in dev mode), checks the deployment and starts
   * the indexer, which catches up in the background (`indexer.status`, `indexer.waitFor`).
   * Throws DevPortInUseError, DevChainError, ChainConfigError, ChainUnreachableError,
   * ManifestError or ChainMismatchError, each saying what to change.
   */
  static async start({ config, repo, logger, indexer: tuning = {} }: ChainServiceOptions): Promise<ChainService> {
    const chainDir = paths(repo).chain;
    mkdirSync(chainDir, { recursive: true });
    const mode = config.chain.mode;
    const undo: (() => Promise<void>)[] = [];
    try {
      let devChain: DevChain | undefined;
      let rpcUrl: string;
      let manifest: DeploymentManifest;
      let manifestPath: string;
      let chainId: number;
      if (mode === "dev") {
        devChain = await startDevChain({ port: config.chain.devPort, logger });
        undo.push(() => devChain!.stop());
        ({ rpcUrl, manifest } = devChain);
        chainId = manifest.chainId;
        manifestPath = writeManifest(manifest, join(chainDir, DEV_MANIFEST_FILE));
      } else {
        rpcUrl = config.chain.rpcUrl;
        if (!rpcUrl) {
          throw new ChainConfigError(
            "chain.mode is rpc but chain.rpcUrl is empty: set chain.rpcUrl / STOA_CHAIN_RPC_URL (--rpc-url)",
            "chain.rpcUrl",
          );
        }
        chainId = await fetchChainId(rpcUrl);
        ({ manifest, path: manifestPath } = loadManifest(config.chain.deployment, chainId, rpcUrl));
      }
      const provider = connectProvider(rpcUrl, chainId);
      undo.push(() => Promise.resolve(provider.destroy()));
      if (mode === "rpc") await checkDeployed(provider, manifest, manifestPath);

      const engine = await createNodeSqliteEngine(join(chainDir, INDEX_FILE));
      const indexer = await ChainIndexer.start({
        engine,
        provider,
        chainId,
        manifest,
        logger,
        options: {
          pollIntervalMs: tuning.pollIntervalMs ?? (mode === "dev" ? 250 : 2000),
          batchSize: tuning.batchSize ?? 2000,
          reorgWindow: tuning.reorgWindow ?? 64,
        },
      });
      logger.info({ mode, chainId, rpcUrl, manifest: manifestPath }, `chain ${chainId} at ${rpcUrl} (${mode})`);
      return new ChainService({ mode, chainId, rpcUrl, manifest, manifestPath, provider, indexer, devChain });
    } catch (error) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw error;
    }
  }

  /** The chain's latest block. */
  async head(): Promise<BlockRef> {
    const block = (await this.provider.send("eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      hash: string;
      timestamp: string;
    };
    return { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp) };
  }

  /**
   * Calls `handler` with the accounts the DAO denies as of the indexed block, then with every
   * change in block order (see ChainIndexer.onDenyListChange). Returns the unsubscribe function.
   */
  onDenyListChange(handler: (change: DenyListChange) => unknown): () => void {
    return this.indexer.onDenyListChange(handler);
  }

  /** Stops the indexer (and closes its database), the provider, then the dev chain. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.indexer.stop();
      this.provider.destroy();
      await this.#devChain?.stop();
    })();
    return this.#stopped;
  }
}
