import { expect } from "chai";
import type { Hex } from "@stoa/protocol";
import type { RecordIndex } from "../../src/index/record-index.ts";
import type { IndexSpec } from "../../src/index/spec.ts";
import { listingsIndex } from "../../src/index/specs.ts";
import { address, entriesOf, IndexFiles, listing, record, listingBody, shuffled, T0 } from "./fixtures.ts";

const smallQuota: IndexSpec = { ...listingsIndex, quota: 3 };
const keysOf = async (index: RecordIndex, author?: Hex) =>
  (await index.query({ ...(author ? { author } : {}), sort: "oldest" })).items.map(
    (r) => (r.body as { key: string }).key,
  );

describe("RecordIndex: per-author quota", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  it("hides an author's things beyond the quota, in order of their first version, whatever the arrival order", async function () {
    const seller = address(1);
    const records = [0, 1, 2, 3, 4].map((i) => listing(seller, i, {}, T0 + i * 1000));
    const other = listing(address(2), 9);
    for (const seed of [1, 2, 3]) {
      const index = await files.open(smallQuota);
      for (const entry of shuffled(entriesOf([...records, other]), seed))
        await index.ingest(entry.entryHash, entry.records);
      expect(await keysOf(index, seller)).to.deep.equal(["item-0", "item-1", "item-2"]);
      expect(await index.get(records[4]!.id)).to.equal(undefined);
      expect(await keysOf(index, address(2))).to.deep.equal(["item-9"]);
      expect(await index.stats()).to.include({ records: 6, hidden: 2 });
      expect(await index.count()).to.equal(4);
      expect((await index.query({ text: "listing" })).items).to.have.length(4);
    }
  });

  it("counts a thing once, whatever its versions; new versions of a visible thing stay visible", async function () {
    const index = await files.open(smallQuota);
    const seller = address(1);
    await index.ingestMany(entriesOf([0, 1, 2].map((i) => listing(seller, i, {}, T0 + i))));
    const edit = listing(seller, 1, { title: "edited" }, T0 + 10_000);
    await index.ingest("edit", [edit]);
    expect((await index.get(edit.id))?.current).to.equal(true);
    const fourth = listing(seller, 3, {}, T0 + 20_000);
    await index.ingest("fourth", [fourth]);
    expect(await index.get(fourth.id)).to.equal(undefined);
    expect(await keysOf(index, seller)).to.deep.equal(["item-0", "item-2", "item-1"]);
  });

  it("lets a thing whose first version is older take its place, and hides the one it displaces", async function () {
    const index = await files.open(smallQuota);
    const seller = address(1);
    await index.ingestMany(entriesOf([0, 1, 2].map((i) => listing(seller, i, {}, T0 + 1000 + i))));
    const backdated = listing(seller, 7, {}, T0);
    await index.ingest("backdated", [backdated]);
    expect(await keysOf(index, seller)).to.deep.equal(["item-7", "item-0", "item-1"]);
    expect((await index.query({ text: "listing 2" })).items).to.have.length(0);
  });

  it("gives no quota place to versions signed by a revoked app key", async function () {
    const index = await files.open(smallQuota);
    const seller = address(1);
    const app = address(99);
    const spam = [0, 1, 2].map((i) =>
      record("listing", seller, listingBody(100 + i), { createdAt: T0 + i, key: `item-${100 + i}`, signer: app }),
    );
    const own = [0, 1].map((i) => listing(seller, i, {}, T0 + 1000 + i));
    await index.ingestMany(entriesOf([...spam, ...own]));
    expect(await keysOf(index, seller)).to.deep.equal(["item-100", "item-101", "item-102"]);
    await index.setRevoked(seller, app, T0 - 1);
    expect(await keysOf(index, seller)).to.deep.equal(["item-0", "item-1"]);
    expect((await index.stats()).hidden).to.equal(3);
  });

  it("leaves an author under the quota alone (listings: 1,000)", async function () {
    const index = await files.open(listingsIndex);
    await index.ingestMany(entriesOf(Array.from({ length: 50 }, (_, i) => listing(address(1), i))));
    expect(await index.count()).to.equal(50);
  });
});
