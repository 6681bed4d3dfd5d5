import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tcp } from "@libp2p/tcp";
import { recordDigest } from "@stoa/protocol";
import { expect } from "chai";
import type { RefusalEvent } from "../../src/guard/refusals.ts";
import { loopbackOnlyGater } from "../../src/network.ts";
import { StoaNode } from "../../src/node.ts";
import { nodeStorage } from "../../src/node/index.ts";
import { documentOf, GuardedPeer, NETWORK, profile, sleep, waitFor, wallet } from "./fixtures.ts";

/**
 * Three StoaNodes in a line, A - B - C (A and C never connect), so that whatever C receives by
 * gossip was relayed by B's validator.
 */
describe("the gossip guard in StoaNode (three nodes, TCP on 127.0.0.1)", function () {
  this.timeout(120_000);
  const root = mkdtempSync(join(tmpdir(), "stoa-guard-node-"));
  const nodes: StoaNode[] = [];
  let a: StoaNode, b: StoaNode, c: StoaNode;

  const start = async (name: string) => {
    const node = new StoaNode({
      network: NETWORK,
      ...nodeStorage(join(root, name)),
      transports: [tcp()],
      listen: ["/ip4/127.0.0.1/tcp/0"],
      connectionGater: loopbackOnlyGater,
      families: ["profiles"],
    });
    await node.start();
    nodes.push(node);
    return node;
  };

  const subscribed = (node: StoaNode, other: StoaNode) =>
    node.libp2p.services.pubsub.getSubscribers(node.family("profiles").address).some((p) => p.equals(other.peerId));

  before(async function () {
    [a, b, c] = [await start("a"), await start("b"), await start("c")];
    await a.dial(b.multiaddrs[0]!);
    await c.dial(b.multiaddrs[0]!);
    await waitFor(() => subscribed(a, b) && subscribed(b, a) && subscribed(b, c) && subscribed(c, b), 15_000, "mesh");
    await sleep(1_200); // one gossipsub heartbeat: the mesh is grafted
  });

  after(async function () {
    for (const node of nodes.reverse()) await node.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("relays an honest record from A to C through B", async function () {
    const { id } = await a.family("profiles").put(profile(wallet()));
    await waitFor(async () => (await c.family("profiles").get(id)) !== undefined, 15_000, "the record on C");
    expect(b.guardStats().families.profiles?.accepted).to.be.at.least(1);
  });

  it("neither indexes nor relays a record by an author B denies; the log still converges", async function () {
    const mallory = wallet();
    await b.deny(mallory.address);
    const refused: RefusalEvent[] = [];
    b.refusals.addEventListener("refused", (e) => refused.push((e as CustomEvent<RefusalEvent>).detail));

    const { id, entry } = await a.family("profiles").put(profile(mallory));
    await waitFor(() => refused.some((r) => r.entry === entry), 15_000, "B's refusal");
    expect(refused.find((r) => r.entry === entry)).to.deep.equal({
      reason: "denied-author",
      family: "profiles",
      entry,
      author: mallory.address,
      peer: a.peerId.toString(),
    });
    await sleep(1_500);
    expect(await c.family("profiles").get(id), "C got it by gossip from B").to.equal(undefined);
    await b.allow(mallory.address);
    expect(await b.family("profiles").get(id), "B indexed it").to.equal(undefined);
    await b.deny(mallory.address);

    // The next honest entry written on A links to mallory's: it reaches B and C as an ancestor.
    // Policy decides what B relays, never what the shared log holds.
    const { id: honest } = await a.family("profiles").put(profile(wallet()));
    await waitFor(async () => (await c.family("profiles").get(honest)) !== undefined, 15_000, "the honest record on C");
    await waitFor(async () => (await c.family("profiles").get(id)) !== undefined, 15_000, "mallory's record on C");
    expect(await b.family("profiles").get(id), "B shows a denied author").to.equal(undefined);
    await b.allow(mallory.address);
    expect(await b.family("profiles").get(id)).to.not.equal(undefined);
  });

  it("graylists a forger flooding B, while honest records still flow", async function () {
    const forger = await GuardedPeer.start("forger", { guard: false });
    try {
      await forger.dial(b.multiaddrs[0]!);
      expect(forger.db.address).to.equal(b.family("profiles").address);
      await waitFor(() => forger.pubsub.getSubscribers(forger.db.address).length > 0, 15_000, "forger subscribed");
      const forgeries = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const record = profile(wallet());
          const tampered = { ...record, body: { name: `${record.body.name}!` } };
          return forger.craft(documentOf(tampered, recordDigest(NETWORK, tampered)));
        }),
      );
      const before = b.refusals.counts()["bad-signature"] ?? 0;
      for (const f of forgeries) {
        await forger.publish(f);
        await sleep(20);
      }
      await waitFor(
        () => b.guardStats().peers.some((p) => p.peer === forger.peerId && p.graylisted),
        10_000,
        "the forger graylisted on B",
      );
      expect((b.refusals.counts()["bad-signature"] ?? 0) - before).to.be.within(10, 40);
      expect(c.refusals.counts()["bad-signature"] ?? 0, "B relayed a forgery").to.equal(0);
      const { id } = await a.family("profiles").put(profile(wallet()));
      await waitFor(async () => (await c.family("profiles").get(id)) !== undefined, 15_000, "the honest record on C");
    } finally {
      await forger.stop();
    }
  });
});
