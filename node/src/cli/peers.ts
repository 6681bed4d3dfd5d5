import type { Command } from "commander";
import { CliError, print } from "./output.ts";
import { client, globals } from "./shared.ts";

export function register(program: Command): void {
  program
    .command("peers")
    .description("List connected peers")
    .action(async (_o, command: Command) => {
      const options = globals(command);
      const peers = await client(options).json<{ peers: { peerId: string; address?: string }[] }>("GET", "/v1/peers");
      print(options, peers, () =>
        peers.peers.length === 0
          ? "no peers"
          : peers.peers.map((p) => `${p.peerId} ${p.address ?? ""}`.trim()).join("\n"),
      );
    });

  program
    .command("connect")
    .description("Connect to a peer by multiaddr (ending in /p2p/<peer id>)")
    .argument("<multiaddr>", "e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...")
    .action(async (address: string, _o, command: Command) => {
      const options = globals(command);
      if (!address.startsWith("/"))
        throw new CliError(`not a multiaddr: ${address}`, "It looks like /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...", 2);
      const result = await client(options).json<unknown>("POST", "/v1/peers", { address });
      print(options, result, () => `connected to ${address}`);
    });
}
