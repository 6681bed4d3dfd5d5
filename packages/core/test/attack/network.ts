/**
 * Small helpers shared by the attack tests: start honest node processes and a forger, wire them,
 * wait for the gossip mesh, and print the figures each test measures.
 */
import type { Family } from "@stoa/protocol";
import { Forger, Peer, quantile, tempRoot, type PeerEnv } from "../harness/harness.ts";

export const FAMILY: Family = "listings";

/** Scoring that never penalises: every forged message is validated (a forger with many peer ids). */
export const NO_PENALTIES: PeerEnv["PEER_GUARD"] = JSON.stringify({
  scoring: { rejectPenalty: 0, unfetchablePenalty: 0, policyPenalty: 0 },
});

export interface Network {
  peers: Map<string, Peer>;
  forger?: Forger;
  /** Kills every process (by PID) and removes the directories. */
  close(): Promise<void>;
}

export interface NetworkPlan {
  /** Honest nodes by name, with their environment. */
  honest: Record<string, PeerEnv>;
  /** Connections between honest nodes (pairs of names). */
  links: [string, string][];
  /** Honest nodes the forger dials (none: no forger). */
  forgerLinks?: string[];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the processes of `plan` in parallel, connects them and waits for the gossip mesh. */
export async function startNetwork(plan: NetworkPlan): Promise<Network> {
  const root = tempRoot("stoa-attack-");
  const peers = new Map<string, Peer>();
  let forger: Forger | undefined;
  const close = async () => {
    await Promise.all([...peers.values(), ...(forger ? [forger] : [])].map((p) => p.kill()));
    root.cleanup();
  };
  try {
    const started = Object.entries(plan.honest).map(async ([name, env]) => {
      peers.set(name, await Peer.spawn(name, root.dir(name), { PEER_FAMILIES: FAMILY, ...env }));
    });
    const forging = plan.forgerLinks
      ? Forger.spawn("forger", root.dir("forger")).then((f) => (forger = f))
      : Promise.resolve();
    const outcomes = await Promise.allSettled([...started, forging]);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    const peer = (name: string) => peers.get(name)!;
    for (const [from, to] of plan.links) await peer(from).dial(peer(to));
    for (const [from, to] of plan.links) {
      await waitForSubscriber(peer(from), peer(to));
      await waitForSubscriber(peer(to), peer(from));
    }
    if (forger && plan.forgerLinks) {
      for (const name of plan.forgerLinks) await forger.dial(peer(name));
      await forger.waitForSubscribers(FAMILY, plan.forgerLinks.map(peer));
    }
    await sleep(1_200); // one gossipsub heartbeat: the mesh is grafted
    return { peers, forger, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForSubscriber(node: Peer, other: Peer, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await node.subscribers(FAMILY)).includes(other.peerId)) {
    if (Date.now() > deadline) throw new Error(`${other.name} never subscribed as seen by ${node.name}`);
    await sleep(20);
  }
}

/** "p50 12 ms, p95 40 ms, max 61 ms (n=100)" */
export function describeMs(values: number[]): string {
  const f = (q: number) => Math.round(quantile(values, q));
  return `p50 ${f(0.5)} ms, p95 ${f(0.95)} ms, max ${f(1)} ms (n=${values.length})`;
}

/** Prints one measured figure of the suite (kept on one line, greppable by "[attack]"). */
export function report(label: string, value: unknown): void {
  console.log(`      [attack] ${label}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
}
