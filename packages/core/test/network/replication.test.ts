import { expect } from "chai";
import { listingBatch, signedListing, wallet } from "../harness/records.ts";
import { Peer, tempRoot } from "../harness/harness.ts";

describe("replication between node processes (TCP on 127.0.0.1)", function () {
  this.timeout(120_000);
  const root = tempRoot();
  const peers: Peer[] = [];
  const spawn = async (name: string) => {
    const peer = await Peer.spawn(name, root.dir(name));
    peers.push(peer);
    return peer;
  };

  after(async function () {
    await Promise.all(peers.map((p) => p.kill()));
    root.cleanup();
  });

  it("makes records from several wallets written through any of three nodes queryable on all", async function () {
    const [a, b, c] = [await spawn("a"), await spawn("b"), await spawn("c")];
    await a.dial(b);
    await b.dial(c);
    const [w1, w2, w3] = [wallet(), wallet(), wallet()];
    await a.put("listings", signedListing(w1, 1));
    await b.put("listings", signedListing(w2, 2));
    await c.put("listings", listingBatch(w3, 100, 10));
    for (const peer of [a, b, c]) expect(await peer.waitForCount("listings", 12)).to.equal(12);
    const answers = await Promise.all(
      [a, b, c].map((p) => p.query("listings", { text: "bicycle", limit: 100 }).then((r) => r.items.map((i) => i.id))),
    );
    expect(answers[0]).to.have.length.greaterThan(0);
    expect(answers[1]).to.deep.equal(answers[0]);
    expect(answers[2]).to.deep.equal(answers[0]);
  });

  it("lets a node that joins late catch up", async function () {
    const [a] = peers;
    const late = await spawn("late");
    await late.dial(a!);
    expect(await late.waitForCount("listings", 12)).to.equal(12);
  });

  it("restarts a node from its directory with its identity, records and index", async function () {
    const late = peers.find((p) => p.name === "late")!;
    const before = { peerId: late.peerId, page: await late.query("listings", { limit: 100 }) };
    await late.stop();
    peers.splice(peers.indexOf(late), 1);
    const again = await Peer.spawn("late", late.dir);
    peers.push(again);
    expect(again.peerId).to.equal(before.peerId);
    // Answered from the persistent index at once, before any peer is dialled.
    expect(await again.query("listings", { limit: 100 })).to.deep.equal(before.page);
  });
});
