/**
 * What the chain tests share: throw-away repos, configurations, a wallet-side view of the chain
 * (its own JSON-RPC provider and the dev accounts, as a wallet would use them), contracts from the
 * manifest, and time travel on the dev chain.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Contract,
  type ContractTransactionResponse,
  type InterfaceAbi,
  JsonRpcProvider,
  type JsonRpcSigner,
} from "ethers";
import { pino } from "pino";
import type { DeploymentManifest } from "../../../scripts/lib/manifest.ts";
import { ChainService } from "../../src/chain/service.ts";
import { loadConfig, type SettingName, type StoaConfig } from "../../src/config.ts";
import type {
  Certificates,
  JobEscrow,
  Marketplace,
  StoaGovernor,
  StoaRegistry,
  StoaToken,
} from "../../../types/ethers-contracts/index.ts";

/** The manifest contracts the tests call. */
export interface StoaContracts {
  certificates: Certificates;
  governor: StoaGovernor;
  jobEscrow: JobEscrow;
  marketplace: Marketplace;
  registry: StoaRegistry;
  token: StoaToken;
}

/** Set STOA_TEST_LOG=debug to see the chain service's logs. */
export const logger = pino({ level: process.env.STOA_TEST_LOG ?? "silent" });

const repos: string[] = [];

export function tempRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), "stoa-chain-test-"));
  repos.push(repo);
  return repo;
}

export function removeTempRepos(): void {
  for (const repo of repos.splice(0)) rmSync(repo, { recursive: true, force: true });
}

export function chainConfig(flags: Partial<Record<SettingName, unknown>> = {}): StoaConfig {
  return loadConfig({ env: {}, flags: { "chain.mode": "dev", "chain.devPort": 0, ...flags } });
}

/** A dev chain on a free port, its indexer polling every 25 ms. */
export function startDev(repo = tempRepo()): Promise<ChainService> {
  return ChainService.start({ config: chainConfig(), repo, logger, indexer: { pollIntervalMs: 25 } });
}

/** The chain as a wallet sees it: its own provider, the dev accounts, the contracts. */
export class Wallet {
  readonly provider: JsonRpcProvider;
  readonly manifest: DeploymentManifest;

  constructor(rpcUrl: string, manifest: DeploymentManifest) {
    // cacheTimeout -1: no 250 ms cache of identical reads ("latest" must be the latest).
    this.provider = new JsonRpcProvider(rpcUrl, manifest.chainId, { staticNetwork: true, cacheTimeout: -1 });
    this.manifest = manifest;
  }

  /** Dev account `index` (Hardhat's funded accounts, signing on the node). */
  account(index: number): Promise<JsonRpcSigner> {
    return this.provider.getSigner(index);
  }

  /** A manifest contract, typed by the types `npx hardhat build` generates. */
  contract<Name extends keyof StoaContracts>(name: Name, signer: JsonRpcSigner): StoaContracts[Name] {
    const { address, abi } = this.manifest.contracts[name]!;
    return new Contract(address, abi as InterfaceAbi, signer) as unknown as StoaContracts[Name];
  }

  async latestTimestamp(): Promise<number> {
    return (await this.provider.getBlock("latest"))!.timestamp;
  }

  /** Moves the chain's clock on by `seconds` and mines a block. */
  async travel(seconds: number): Promise<void> {
    await this.provider.send("evm_increaseTime", [seconds]);
    await this.provider.send("evm_mine", []);
  }

  destroy(): void {
    this.provider.destroy();
  }
}

/** Sends a transaction and returns its block number and hash. */
export async function mined(tx: Promise<ContractTransactionResponse>): Promise<{ block: number; txHash: string }> {
  const receipt = (await (await tx).wait())!;
  return { block: receipt.blockNumber, txHash: receipt.hash };
}

/** Polls `check` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
