/**
 * The embedded dev chain: Hardhat's in-process network (chain 31337, funded dev accounts,
 * automine) served as HTTP and WebSocket JSON-RPC on 127.0.0.1, with the StoaDev Ignition module
 * deployed. It lives as long as the process: a restarted daemon gets a fresh chain (the same
 * contract addresses, since the deployer's nonces start over, but another genesis block).
 *
 * Hardhat needs the monorepo (hardhat.config.ts, contracts/ and their built artifacts), found from
 * this file's location, never from the working directory.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// The plugins' type extensions (connection.ethers, connection.ignition) for deploy-suite.ts.
import type {} from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import type { NetworkHooks } from "hardhat/types/hooks";
import type { NetworkConnection } from "hardhat/types/network";
import type { Logger } from "pino";
import type { DeploymentManifest } from "../../../scripts/lib/manifest.ts";
import { DevChainError, DevPortInUseError } from "./errors.ts";

/** The monorepo root: Hardhat's project root. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const HOST = "127.0.0.1";

export interface DevChain {
  /** The served JSON-RPC URL (the real port, also when 0 was asked). */
  rpcUrl: string;
  manifest: DeploymentManifest;
  /** Closes the JSON-RPC server, then the Hardhat network. */
  stop(): Promise<void>;
}

type DeploySuite = typeof import("../../../scripts/lib/deploy-suite.ts");
let deploySuiteModule: Promise<DeploySuite> | undefined;

/** The deployment code shared with `npm run deploy:local`, loaded only when a dev chain starts. */
function importDeploySuite(): Promise<DeploySuite> {
  deploySuiteModule ??= import("../../../scripts/lib/deploy-suite.ts");
  return deploySuiteModule;
}

/** Fails fast with DevPortInUseError: Hardhat's server would only emit an unhandled error. */
async function checkPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" || error.code === "EACCES" ? new DevPortInUseError(port) : error),
    );
    probe.listen(port, HOST, () => probe.close(() => resolvePort()));
  });
}

/** Starts the dev chain on 127.0.0.1:`port` (0: any free port) and deploys the suite. */
export async function startDevChain({ port, logger }: { port: number; logger: Logger }): Promise<DevChain> {
  if (!existsSync(join(PROJECT_ROOT, "artifacts", "contracts"))) {
    throw new DevChainError(
      `the contracts are not built (no ${join(PROJECT_ROOT, "artifacts")}): run \`npx hardhat build\` in ${PROJECT_ROOT}`,
    );
  }
  await checkPortFree(port);

  const started = Date.now();
  const { createHardhatRuntimeEnvironment, importUserConfig } = await import("hardhat/hre");
  const configPath = join(PROJECT_ROOT, "hardhat.config.ts");
  const hre = await createHardhatRuntimeEnvironment(
    await importUserConfig(configPath),
    { config: configPath },
    PROJECT_ROOT,
  );

  // createServer opens its own connection to the in-process network and does not return it: the
  // hook catches it, to deploy on that very chain (in-process, so Ignition keeps no journal on
  // disk) and to close it on stop.
  let connection: NetworkConnection | undefined;
  const hooks: Partial<NetworkHooks> = {
    async newConnection(context, next) {
      const created = await next(context);
      connection ??= created as NetworkConnection;
      return created;
    },
  };
  hre.hooks.registerHandlers("network", hooks);
  let server;
  try {
    server = await hre.network.createServer("default", HOST, port);
  } finally {
    hre.hooks.unregisterHandlers("network", hooks);
  }
  const networkMs = Date.now() - started;
  const network = connection!;
  const stop = async () => {
    await server.close();
    await network.close();
  };

  try {
    const listening = await server.listen();
    const rpcUrl = `http://${HOST}:${listening.port}`;
    const { deploySuite } = await importDeploySuite();
    const loadedMs = Date.now() - started;
    const manifest = await deploySuite(hre, network);
    logger.debug({ networkMs, loadedMs, deployedMs: Date.now() - started }, "dev chain started, suite deployed");
    return { rpcUrl, manifest, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    if (error instanceof DevPortInUseError) throw error;
    throw new DevChainError(`the dev chain could not start: ${(error as Error).message}`, { cause: error });
  }
}
