import { expect } from "chai";
import { signedListing, wallet } from "../harness/records.ts";
import { Peer, tempRoot } from "../harness/harness.ts";

describe("crash", function () {
  this.timeout(120_000);
  const root = tempRoot();
  const peers: Peer[] = [];

  after(async function () {
    await Promise.all(peers.map((p) => p.kill()));
    root.cleanup();
  });

  it("keeps every write that returned success through a kill -9 during a burst", async function () {
    let node = await Peer.spawn("crashy", root.dir("crashy"));
    peers.push(node);
    const w = wallet();
    const acknowledged: string[] = [];
    let i = 0;
    const burst = (async () => {
      for (;;) {
        try {
          const { id } = await node.put("listings", signedListing(w, i++));
          acknowledged.push(id);
        } catch {
          return; // the process died mid-write
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await node.kill();
    await burst;
    expect(acknowledged.length).to.be.greaterThan(10);
    node = await Peer.spawn("crashy", root.dir("crashy"));
    peers.push(node);
    for (const id of acknowledged) expect(await node.get("listings", id), id).to.not.equal(null);
  });
});
