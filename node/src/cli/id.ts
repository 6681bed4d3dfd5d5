import type { Command } from "commander";
import { print } from "./output.ts";
import { client, globals, repoAndConfig, repoPeerId } from "./shared.ts";

export function register(program: Command): void {
  program
    .command("id")
    .description("Show the node's peer id, and its addresses when the daemon runs")
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const { repo, config } = repoAndConfig(options);
      let peerId: string;
      let addresses: string[] = [];
      try {
        const node = await client(options).json<{ peerId: string; multiaddrs: string[] }>("GET", "/v1/node");
        [peerId, addresses] = [node.peerId, node.multiaddrs];
      } catch {
        // No daemon: read the key from the repo (the daemon holds its lock while it runs).
        peerId = await repoPeerId(repo);
      }
      print(options, { peerId, network: config.network, addresses }, () =>
        [`peer id ${peerId}`, `network ${config.network}`, ...addresses.map((a) => `  ${a}`)].join("\n"),
      );
    });
}
