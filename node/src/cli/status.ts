import type { Command } from "commander";
import { print } from "./output.ts";
import { client, globals } from "./shared.ts";

interface NodeStatus {
  peerId: string;
  network: string;
  uptimeMs: number;
  peers: number;
  families: Record<string, { records: number; address?: string }>;
  refusals: Record<string, number>;
  storage?: Record<string, number>;
}
interface ChainStatus {
  chainId: number;
  rpcUrl: string;
  head: { number: number };
  indexer: { block: number; synced: boolean; lag: number };
}

export function register(program: Command): void {
  program
    .command("status")
    .description("Peers, databases and record counts, index state, chain and block, storage used")
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const api = client(options);
      const [node, chain] = await Promise.all([
        api.json<NodeStatus>("GET", "/v1/node"),
        api.json<ChainStatus>("GET", "/v1/chain"),
      ]);
      print(options, { node, chain }, () => {
        const families = Object.entries(node.families).map(([name, f]) => `  ${name.padEnd(12)} ${f.records} records`);
        const refusals = Object.entries(node.refusals).map(([reason, n]) => `  ${reason}: ${n}`);
        const storage = Object.entries(node.storage ?? {}).map(
          ([part, bytes]) => `  ${part}: ${(bytes / 1e6).toFixed(1)} MB`,
        );
        return [
          `node ${node.peerId} on ${node.network}, up ${Math.round(node.uptimeMs / 1000)} s, ${node.peers} peers`,
          "databases:",
          ...families,
          `chain ${chain.chainId} at ${chain.rpcUrl}: block ${chain.head.number}, indexed to ${chain.indexer.block}${chain.indexer.synced ? " (synced)" : ` (${chain.indexer.lag} behind)`}`,
          ...(refusals.length ? ["refused:", ...refusals] : []),
          ...(storage.length ? ["storage:", ...storage] : []),
        ].join("\n");
      });
    });
}
