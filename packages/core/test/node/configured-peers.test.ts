import { createServer } from "node:net";
import { tcp } from "@libp2p/tcp";
import { expect } from "chai";
import { ConfiguredPeers, redialDelay, type ConfiguredPeerEvent } from "../../src/configured-peers.ts";
import { loopbackOnlyGater, StoaNode } from "../../src/index.ts";
import { nodeStorage } from "../../src/node/index.ts";
import { tempRoot } from "../harness/harness.ts";
import { NETWORK } from "../harness/records.ts";

/** Short delays, so that the tests wait on events, not on the default backoff. */
const REDIAL = { initialDelayMs: 50, maxDelayMs: 400 };

/** The events of a node's configured peers, and a way to wait for the next one that matches. */
class PeerEvents {
  readonly seen: ConfiguredPeerEvent[] = [];
  #waiters: { test: (e: ConfiguredPeerEvent) => boolean; resolve: (e: ConfiguredPeerEvent) => void }[] = [];

  readonly push = (event: ConfiguredPeerEvent) => {
    this.seen.push(event);
    const ready = this.#waiters.filter((w) => w.test(event));
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(event);
  };

  /** The next event (from now on) of `type`. */
  next<T extends ConfiguredPeerEvent["type"]>(type: T): Promise<Extract<ConfiguredPeerEvent, { type: T }>> {
    return new Promise((resolve) =>
      this.#waiters.push({ test: (e) => e.type === type, resolve: resolve as (e: ConfiguredPeerEvent) => void }),
    );
  }
}

function makeNode(dir: string, options: { listen?: string[]; peers?: string[]; events?: PeerEvents } = {}) {
  return new StoaNode({
    network: NETWORK,
    ...nodeStorage(dir),
    transports: [tcp()],
    listen: options.listen ?? ["/ip4/127.0.0.1/tcp/0"],
    peers: options.peers,
    redial: REDIAL,
    onPeerEvent: options.events?.push,
    connectionGater: loopbackOnlyGater,
    families: ["profiles"],
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const connectedTo = (node: StoaNode, other: StoaNode) =>
  node.peers().some((peer) => peer.toString() === other.peerId.toString());

describe("Configured peers (two nodes in this process, real libp2p on 127.0.0.1)", function () {
  this.timeout(60_000);
  const root = tempRoot();
  after(() => root.cleanup());

  it("dials a configured peer again after the connection is closed", async function () {
    const a = makeNode(root.dir("hang-up-a"));
    await a.start();
    const events = new PeerEvents();
    const b = makeNode(root.dir("hang-up-b"), { peers: [a.multiaddrs[0]!.toString()], events });
    try {
      await b.start();
      expect(connectedTo(b, a)).to.equal(true);
      for (const closedBy of [a, b]) {
        const back = events.next("connected");
        const lost = events.next("disconnected");
        await closedBy.libp2p.hangUp(closedBy === a ? b.peerId : a.peerId);
        expect((await lost).peerId).to.equal(a.peerId.toString());
        const connected = await back;
        expect(connected.peerId).to.equal(a.peerId.toString());
        expect(connected.attempt).to.equal(1);
        expect(connectedTo(b, a)).to.equal(true);
      }
      const scheduled = events.seen.filter((e) => e.type === "redial-scheduled");
      expect(scheduled).to.have.length(2);
      // Each loss starts from the first delay again: half of it to all of it.
      for (const e of scheduled) expect(e.delayMs).to.be.within(REDIAL.initialDelayMs / 2, REDIAL.initialDelayMs);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it("connects to a configured peer that starts after it, backing off meanwhile", async function () {
    const port = await freePort();
    const listen = [`/ip4/127.0.0.1/tcp/${port}`];
    // The peer's id is kept in its datastore: start it once to learn it.
    const a = makeNode(root.dir("late-a"), { listen });
    await a.start();
    const address = a.multiaddrs[0]!.toString();
    const aId = a.peerId.toString();
    await a.stop();

    const events = new PeerEvents();
    const b = makeNode(root.dir("late-b"), { peers: [address], events });
    try {
      const failed = events.next("dial-failed");
      await b.start();
      expect(b.peers()).to.have.length(0);
      expect((await failed).attempt).to.equal(1);
      // Backing off while the peer is down: the delays grow.
      while (events.seen.filter((e) => e.type === "dial-failed").length < 3) await events.next("dial-failed");
      const delays = events.seen.filter((e) => e.type === "redial-scheduled").map((e) => e.attempt);
      expect(delays.slice(0, 3)).to.deep.equal([2, 3, 4]);

      const connected = events.next("connected");
      await a.start();
      expect((await connected).peerId).to.equal(aId);
      expect(connectedTo(b, a)).to.equal(true);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it("leaves no timer and no dial behind when stopped while waiting to redial", async function () {
    const port = await freePort();
    const node = makeNode(root.dir("stop"));
    await node.start();
    try {
      const events = new PeerEvents();
      const peers = new ConfiguredPeers(
        node.libp2p,
        // No peer id: learnt from the first connection (there is none here, nothing listens).
        [`/ip4/127.0.0.1/tcp/${port}`],
        { ...REDIAL, onEvent: events.push },
      );
      const scheduled = events.next("redial-scheduled");
      await peers.start();
      await scheduled;
      expect(peers.pending).to.equal(1);
      peers.stop();
      expect(peers.pending).to.equal(0);
      expect(peers.redials).to.equal(0);
    } finally {
      await node.stop();
    }
  });

  it("backs off exponentially to the cap, with jitter", function () {
    const options = { initialDelayMs: 1_000, maxDelayMs: 30_000, jitter: 0.5 };
    const top = (attempt: number) => redialDelay(attempt, options, () => 0);
    const bottom = (attempt: number) => redialDelay(attempt, options, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(top)).to.deep.equal([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect([1, 6].map(bottom)).to.deep.equal([500, 15_000]);
  });
});
