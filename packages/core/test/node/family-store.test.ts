import * as dagCbor from "@ipld/dag-cbor";
import { tcp } from "@libp2p/tcp";
import type { LogEntry } from "@orbitdb/core";
import { batchShape, recordShape, type ListingV1 } from "@stoa/protocol";
import { expect } from "chai";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { checkEntry } from "../../src/guard/access-controller.ts";
import { loopbackOnlyGater, StoaNode } from "../../src/index.ts";
import { nodeStorage } from "../../src/node/index.ts";
import { tempRoot } from "../harness/harness.ts";
import { listingBatch, NETWORK, signedListing, wallet } from "../harness/records.ts";

/** Counts envelope verifications (each starts by parsing the envelope's shape) while `fn` runs. */
async function verifications(fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const shapes = [recordShape, batchShape] as { safeParse: (value: unknown) => unknown }[];
  const originals = shapes.map((shape) => shape.safeParse);
  shapes.forEach((shape, i) => {
    shape.safeParse = (value: unknown) => {
      count++;
      return originals[i]!.call(shape, value);
    };
  });
  try {
    await fn();
  } finally {
    shapes.forEach((shape, i) => (shape.safeParse = originals[i]!));
  }
  return count;
}

describe("FamilyStore writes (one node in this process)", function () {
  this.timeout(60_000);
  const root = tempRoot();
  let node: StoaNode;
  before(async function () {
    node = new StoaNode({
      network: NETWORK,
      ...nodeStorage(root.dir("writes")),
      transports: [tcp()],
      listen: ["/ip4/127.0.0.1/tcp/0"],
      connectionGater: loopbackOnlyGater,
      families: ["listings"],
    });
    await node.start();
  });
  after(async function () {
    await node?.stop();
    root.cleanup();
  });

  it("verifies each local write once (canAppend and indexing take the store's decision)", async function () {
    const store = node.family("listings");
    const w = wallet();
    await store.put(signedListing(w, 0)); // the first append: no decision may stick without a hash
    for (const envelope of [signedListing(w, 1), listingBatch(w, 10, 20), signedListing(w, 2)]) {
      expect(await verifications(() => store.put(envelope).then(() => store.settled()))).to.equal(1);
    }
    expect(await store.count()).to.equal(23);
  });

  it("appends what it verified, whatever the caller does to the envelope meanwhile", async function () {
    const store = node.family("listings");
    const w = wallet();
    const envelope = signedListing(w, 30);
    const put = store.put(envelope);
    envelope.body.title = "changed after put";
    const { id, records } = await put;
    expect(records[0]?.body).to.include({ title: "bicycle number 30" });
    expect((await store.get(id))?.body).to.include({ title: "bicycle number 30" });
    const batch = listingBatch(w, 40, 3);
    const putBatch = store.put(batch);
    batch.items[1]!.body = { ...(batch.items[1]!.body as ListingV1), price: "1" };
    const stored = await putBatch;
    expect(stored.records.map((r) => (r.body as ListingV1).price)).to.deep.equal(["1000040", "1000041", "1000042"]);
    // What is in the log is what was signed: a peer decodes it and verifies it in full.
    for (const entry of [(await put).entry, stored.entry]) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of node.helia.blockstore.get(CID.parse(entry, base58btc))) chunks.push(chunk);
      const decoded = dagCbor.decode<LogEntry>(Buffer.concat(chunks));
      expect(checkEntry(NETWORK, "listings", { ...decoded, hash: entry }).ok).to.equal(true);
    }
    expect(await store.count()).to.equal(27);
  });
});
