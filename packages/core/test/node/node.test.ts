import { tcp } from "@libp2p/tcp";
import { InvalidRecordError } from "@stoa/protocol";
import { expect } from "chai";
import { loopbackOnlyGater, StoaNode, type StoredRecord } from "../../src/index.ts";
import { nodeStorage } from "../../src/node/index.ts";
import { tempRoot } from "../harness/harness.ts";
import { listingBatch, NETWORK, signedListing, wallet } from "../harness/records.ts";

function makeNode(dir: string, content?: { maxBytes: number }) {
  return new StoaNode({
    network: NETWORK,
    ...nodeStorage(dir),
    transports: [tcp()],
    listen: ["/ip4/127.0.0.1/tcp/0"],
    connectionGater: loopbackOnlyGater,
    content,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { reason?: string; limit?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("StoaNode (one node in this process)", function () {
  this.timeout(60_000);
  const root = tempRoot();
  after(() => root.cleanup());

  it("starts and stops idempotently, and refuses use while stopped", async function () {
    const node = makeNode(root.dir("lifecycle"));
    await Promise.all([node.start(), node.start()]);
    expect(node.isStarted).to.equal(true);
    expect(node.multiaddrs.map(String)[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
    await Promise.all([node.stop(), node.stop()]);
    expect(node.isStarted).to.equal(false);
    expect(() => node.family("listings"))
      .to.throw()
      .with.property("name", "NotStartedError");
    await node.start();
    await node.stop();
  });

  it("puts, gets and queries records and author batches, and tells subscribers", async function () {
    const node = makeNode(root.dir("records"));
    await node.start();
    try {
      const store = node.family("listings");
      const seen: StoredRecord[] = [];
      const unsubscribe = store.subscribe((records) => seen.push(...records));
      const w = wallet();
      const first = signedListing(w, 1);
      const single = await store.put(first);
      const batch = await store.put(listingBatch(w, 10, 5));
      expect(batch.records).to.have.length(5);
      expect((await store.get(single.id))?.body).to.include({ title: "lamp number 1" });
      expect(await store.count()).to.equal(6);
      const { items } = await store.query({ filters: { category: "home" }, limit: 10 });
      expect(items.every((r) => (r.body as { category: string }).category === "home")).to.equal(true);
      expect(seen.map((r) => r.id)).to.include.members([single.id, ...batch.records.map((r) => r.id)]);
      // The same envelope again changes nothing.
      const again = await store.put(first);
      expect(again).to.deep.include({ id: single.id, entry: single.entry });
      expect(await store.count()).to.equal(6);
      unsubscribe();
    } finally {
      await node.stop();
    }
  });

  it("refuses an invalid record, a record for another family, and a denied author", async function () {
    const node = makeNode(root.dir("refusals"));
    await node.start();
    try {
      const w = wallet();
      const bad = { ...signedListing(w, 1), sig: `0x${"11".repeat(65)}` };
      expect((await rejection(node.family("listings").put(bad as never))).name).to.equal("SignatureError");
      const wrongFamily = await rejection(node.family("profiles").put(signedListing(w, 2)));
      expect(wrongFamily).to.be.instanceOf(InvalidRecordError);
      await node.deny(w.address);
      const denied = await rejection(node.family("listings").put(signedListing(w, 3)));
      expect(denied.name).to.equal("PolicyRefusalError");
      expect(denied.reason).to.equal("denied-author");
    } finally {
      await node.stop();
    }
  });

  it("keeps its deny list across a restart: the index hides and the policy refuses", async function () {
    const dir = root.dir("deny-restart");
    const w = wallet();
    let node = makeNode(dir);
    await node.start();
    const { id } = await node.family("listings").put(signedListing(w, 1));
    await node.deny(w.address);
    expect(await node.family("listings").get(id)).to.equal(undefined);
    await node.stop();
    node = makeNode(dir);
    await node.start();
    try {
      expect(node.policy.isDenied(w.address)).to.equal(true);
      expect(await node.family("listings").get(id)).to.equal(undefined);
      await node.allow(w.address);
      expect(await node.family("listings").get(id)).to.not.equal(undefined);
    } finally {
      await node.stop();
    }
  });

  it("adds and cats content within its size limit, and pins what it adds", async function () {
    const node = makeNode(root.dir("content"), { maxBytes: 1024 * 1024 });
    await node.start();
    try {
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      const cid = await node.content.addBytes(bytes);
      expect(await node.content.isPinned(cid)).to.equal(true);
      expect(Buffer.from(await node.content.catBytes(cid)).equals(Buffer.from(bytes))).to.equal(true);
      const tooBig = await rejection(node.content.addBytes(new Uint8Array(1024 * 1024 + 1)));
      expect(tooBig.name).to.equal("ContentTooLargeError");
      async function* chunks() {
        for (let i = 0; i < 20; i++) yield await Promise.resolve(new Uint8Array(64 * 1024));
      }
      expect((await rejection(node.content.addStream(chunks()))).name).to.equal("ContentTooLargeError");
      await node.content.unpin(cid);
      expect(await node.content.isPinned(cid)).to.equal(false);
    } finally {
      await node.stop();
    }
  });
});
