import type { Command } from "commander";
import { ConfigError, loadConfig, type SettingName } from "../config.ts";
import { openRepo, repoPath } from "../repo.ts";
import { CliError } from "./output.ts";
import { globals, repoPeerId } from "./shared.ts";

interface DaemonFlags {
  rpcUrl?: string;
  deployment?: string;
  port?: string;
  network?: string;
}

export function register(program: Command): void {
  program
    .command("daemon")
    .description("Run the node: chain (dev chain or --rpc-url), light node and HTTP API, until Ctrl-C")
    .option("--rpc-url <url>", "follow this EVM chain instead of starting a dev chain (needs --deployment)")
    .option("--deployment <file>", "deployment manifest of --rpc-url's chain (deployments/<chainId>.json)")
    .option("--port <port>", "HTTP API port (api.port)")
    .option("--network <id>", "Stoa network id (network)")
    .action(async (flags: DaemonFlags, command: Command) => {
      const options = globals(command);
      const repo = repoPath(options.repo);
      const flagValues: Partial<Record<SettingName, unknown>> = {};
      if (flags.rpcUrl) Object.assign(flagValues, { "chain.mode": "rpc", "chain.rpcUrl": flags.rpcUrl });
      if (flags.deployment) flagValues["chain.deployment"] = flags.deployment;
      if (flags.port !== undefined) flagValues["api.port"] = Number(flags.port);
      if (flags.network) flagValues.network = flags.network;
      let config;
      try {
        openRepo(repo);
        config = loadConfig({ repo, flags: flagValues });
      } catch (error) {
        if (error instanceof ConfigError)
          throw new CliError(error.message, "`stoa config --help` lists every setting.", 2);
        throw new CliError((error as Error).message);
      }
      if (config.chain.mode === "rpc" && !config.chain.deployment) {
        throw new CliError(
          "--rpc-url needs the chain's deployment manifest",
          "Pass --deployment <file> (deployments/<chainId>.json).",
          2,
        );
      }
      // Fails fast, before the dev chain starts, when another daemon holds the repo's key store
      // or the store is damaged.
      await repoPeerId(repo, true);
      const progress = (line: string) => {
        if (!options.json) process.stderr.write(`... ${line}\n`);
      };
      // Loaded here so that the other commands start fast without libp2p, Hardhat and Fastify.
      const { startDaemon } = await import("../daemon.ts");
      const daemon = await startDaemon({ repo, config, onProgress: progress });
      const { node, chain } = daemon.ctx;
      const summary = {
        peerId: node.peerId.toString(),
        addresses: node.multiaddrs.map(String),
        api: daemon.url,
        chain: { chainId: chain.chainId, rpcUrl: chain.rpcUrl, mode: chain.mode },
      };
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(
          [
            `Stoa node ${summary.peerId} on ${config.network}`,
            ...summary.addresses.map((a) => `  listening ${a}`),
            `  chain ${chain.chainId} at ${chain.rpcUrl} (${chain.mode})`,
            `API and dApp: ${daemon.url}`,
            "Press Ctrl-C to stop.",
            "",
          ].join("\n"),
        );
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        progress(`${signal}: stopping`);
        daemon.stop().then(
          () => process.exit(0),
          (error: Error) => {
            process.stderr.write(`Error while stopping: ${error.message}\n`);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
}
