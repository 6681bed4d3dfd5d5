/**
 * A Stoa node in its own process, driven by its parent over IPC: the unit of every multi-process
 * test and benchmark. Run as `node peer.ts` through `fork()` (see harness.ts); all addresses are
 * loopback and the connection gater refuses anything else.
 *
 * Environment: PEER_DIR (repo directory), PEER_NETWORK, PEER_NAME (for logs).
 */
import { tcp } from "@libp2p/tcp";
import type { Envelope, Family } from "@stoa/protocol";
import { loopbackOnlyGater, StoaNode } from "../../src/index.ts";
import type { RecordQuery } from "../../src/index/record-index.ts";
import { nodeStorage } from "../../src/node/index.ts";

export type Command =
  | { op: "start" }
  | { op: "stop" }
  | { op: "dial"; address: string }
  | { op: "hangUp"; peerId: string }
  | { op: "put"; family: Family; envelope: Envelope }
  | { op: "putMany"; family: Family; envelopes: Envelope[] }
  | { op: "get"; family: Family; id: string }
  | { op: "query"; family: Family; query: RecordQuery }
  | { op: "count"; family: Family }
  | { op: "waitForCount"; family: Family; count: number; timeoutMs: number }
  | { op: "arrivals"; ids: string[] }
  | { op: "deny"; author: string }
  | { op: "allow"; author: string }
  | { op: "stats" }
  | { op: "peers" };

export interface Request {
  id: number;
  command: Command;
}
export type Response =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

const dir = process.env.PEER_DIR!;
const network = process.env.PEER_NETWORK ?? "stoa-test";
const node = new StoaNode({
  network,
  ...nodeStorage(dir),
  transports: [tcp()],
  listen: [process.env.PEER_LISTEN ?? "/ip4/127.0.0.1/tcp/0"],
  connectionGater: loopbackOnlyGater,
});
/** When each record id was first indexed here (ms since the epoch). */
const arrivals = new Map<string, number>();
const countWaiters = new Set<() => void>();

function watch(): void {
  for (const family of ["profiles", "delegations", "listings", "orderNotes", "reviews"] as Family[]) {
    node.family(family).subscribe((records) => {
      const now = Date.now();
      for (const r of records) if (!arrivals.has(r.id)) arrivals.set(r.id, now);
      for (const wake of countWaiters) wake();
    });
  }
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case "start":
      await node.start();
      watch();
      return { peerId: node.peerId.toString(), addresses: node.multiaddrs.map(String) };
    case "stop":
      await node.stop();
      setImmediate(() => process.exit(0));
      return null;
    case "dial":
      await node.dial(command.address);
      return null;
    case "hangUp":
      await node.libp2p.hangUp(node.peers().find((p) => p.toString() === command.peerId)!);
      return null;
    case "put": {
      const result = await node.family(command.family).put(command.envelope);
      return { id: result.id, entry: result.entry, ids: result.records.map((r) => r.id) };
    }
    case "putMany": {
      const latencies: number[] = [];
      const ids: string[] = [];
      for (const envelope of command.envelopes) {
        const started = performance.now();
        const result = await node.family(command.family).put(envelope);
        latencies.push(performance.now() - started);
        ids.push(...result.records.map((r) => r.id));
      }
      return { latencies, ids };
    }
    case "get":
      return (await node.family(command.family).get(command.id)) ?? null;
    case "query":
      return node.family(command.family).query(command.query);
    case "count":
      return node.family(command.family).count();
    case "waitForCount": {
      const store = node.family(command.family);
      const deadline = Date.now() + command.timeoutMs;
      for (;;) {
        const count = await store.count();
        if (count >= command.count) return count;
        if (Date.now() > deadline) throw new Error(`timed out at ${count}/${command.count} records`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            countWaiters.delete(wake);
            resolve();
          };
          countWaiters.add(wake);
          setTimeout(wake, 100);
        });
      }
    }
    case "arrivals":
      return command.ids.map((id) => arrivals.get(id) ?? null);
    case "deny":
      await node.deny(command.author);
      return null;
    case "allow":
      await node.allow(command.author);
      return null;
    case "peers":
      return node.peers().map(String);
    case "stats":
      return {
        refusals: node.refusals.counts(),
        rssBytes: process.memoryUsage().rss,
        peers: node.peers().length,
      };
  }
}

process.on("message", (message: Request) => {
  run(message.command).then(
    (value) => process.send!({ id: message.id, ok: true, value } satisfies Response),
    (error: Error) =>
      process.send!({
        id: message.id,
        ok: false,
        error: { name: error.name, message: error.message },
      } satisfies Response),
  );
});
process.send!({ id: 0, ok: true, value: "ready" } satisfies Response);
