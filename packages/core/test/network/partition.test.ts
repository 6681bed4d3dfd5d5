import { expect } from "chai";
import { signedListing, wallet } from "../harness/records.ts";
import { Peer, tempRoot } from "../harness/harness.ts";

describe("partition and heal", function () {
  this.timeout(120_000);
  const root = tempRoot();
  const peers: Peer[] = [];

  after(async function () {
    await Promise.all(peers.map((p) => p.kill()));
    root.cleanup();
  });

  it("converges to the same records and answers after {A} | {B, C} both write and heal", async function () {
    for (const name of ["a", "b", "c"]) peers.push(await Peer.spawn(name, root.dir(name)));
    const [a, b, c] = peers as [Peer, Peer, Peer];
    await b.dial(c);
    const [w1, w2, w3] = [wallet(), wallet(), wallet()];
    // Split: A alone, B and C together.
    for (let i = 0; i < 5; i++) await a.put("listings", signedListing(w1, i));
    for (let i = 5; i < 10; i++) await b.put("listings", signedListing(w2, i));
    for (let i = 10; i < 15; i++) await c.put("listings", signedListing(w3, i));
    expect(await a.count("listings")).to.equal(5);
    expect(await b.waitForCount("listings", 10)).to.equal(10);
    // A edit made on both sides of the split to the same listing: the newest version wins everywhere.
    await a.put("listings", signedListing(w1, 0, { title: "edited while split" }));
    // Heal.
    await a.dial(b);
    for (const peer of peers) expect(await peer.waitForCount("listings", 15)).to.equal(15);
    const queries = [{ limit: 100 }, { text: "lamp", limit: 100 }, { filters: { category: "sports" }, limit: 100 }];
    for (const query of queries) {
      const [qa, qb, qc] = await Promise.all(peers.map((p) => p.query("listings", query)));
      expect(qb).to.deep.equal(qa);
      expect(qc).to.deep.equal(qa);
    }
  });
});
