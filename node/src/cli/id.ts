import type { Command } from "commander";
import { readPeerId } from "../repo.ts";
import { print } from "./output.ts";
import { client, globals, repoAndConfig } from "./shared.ts";

export function register(program: Command): void {
  program
    .command("id")
    .description("Show the node's peer id, and its addresses when the daemon runs")
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const { repo, config } = repoAndConfig(options);
      const peerId = await readPeerId(repo);
      let addresses: string[] = [];
      try {
        addresses = (await client(options).json<{ multiaddrs: string[] }>("GET", "/v1/node")).multiaddrs;
      } catch {
        // the daemon is not running: the peer id alone
      }
      print(options, { peerId, network: config.network, addresses }, () =>
        [`peer id ${peerId}`, `network ${config.network}`, ...addresses.map((a) => `  ${a}`)].join("\n"),
      );
    });
}
