import { tcp } from "@libp2p/tcp";
import { expect } from "chai";
import { INGEST_CHUNK_RECORDS } from "../../src/family-store.ts";
import { loopbackOnlyGater, StoaNode, type StoredRecord } from "../../src/index.ts";
import { nodeStorage } from "../../src/node/index.ts";
import { tempRoot } from "../harness/harness.ts";
import { listingBatch, NETWORK, wallet } from "../harness/records.ts";

const BATCHES = 12;
const BATCH = 100;

function makeNode(dir: string, peers: string[] = []) {
  return new StoaNode({
    network: NETWORK,
    ...nodeStorage(dir),
    transports: [tcp()],
    listen: ["/ip4/127.0.0.1/tcp/0"],
    peers,
    connectionGater: loopbackOnlyGater,
    families: ["listings"],
  });
}

describe("Catch-up in chunks (two nodes in this process, real libp2p on 127.0.0.1)", function () {
  this.timeout(120_000);
  const root = tempRoot();
  after(() => root.cleanup());

  it("indexes a joiner's backlog in transactions of a few hundred records, the event loop turning between them", async function () {
    const a = makeNode(root.dir("a"));
    await a.start();
    let b: StoaNode | undefined;
    // Counts turns of the event loop: a chunk that held it for the whole catch-up would see none.
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      const writes = a.family("listings");
      for (let n = 0; n < BATCHES; n++) await writes.put(listingBatch(wallet(), n * BATCH, BATCH));
      const total = BATCHES * BATCH;
      expect(await writes.count()).to.equal(total);

      b = makeNode(root.dir("b"), [a.multiaddrs[0]!.toString()]);
      const chunks: { records: number; turns: number }[] = [];
      let held = 0;
      const all = new Promise<void>((resolve) => {
        const seen = (records: StoredRecord[]) => {
          chunks.push({ records: records.length, turns });
          held += records.length;
          if (held >= total) resolve();
        };
        // Subscribed before the heads exchange can start: B's store opens inside start().
        void b!.start().then(() => b!.family("listings").subscribe(seen));
      });
      await all;
      await b.family("listings").settled();
      expect(await b.family("listings").count()).to.equal(total);
      expect(chunks.length).to.be.at.least(Math.ceil(total / (INGEST_CHUNK_RECORDS + BATCH)));
      for (const chunk of chunks) expect(chunk.records).to.be.at.most(INGEST_CHUNK_RECORDS + BATCH - 1);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.turns).to.be.above(chunks[i - 1]!.turns);
      // The backlog in the index is searchable like any other write.
      const { items } = await b.family("listings").query({ limit: 5, sort: "newest" });
      expect(items).to.have.length(5);
    } finally {
      clearInterval(ticker);
      await b?.stop();
      await a.stop();
    }
  });
});
