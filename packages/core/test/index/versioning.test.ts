import { expect } from "chai";
import { buildRecord, delegate, signRecord, type VerifiedRecord } from "@stoa/protocol";
import type { RecordIndex, RecordQuery } from "../../src/index/record-index.ts";
import { indexSpecOf, listingsIndex } from "../../src/index/specs.ts";
import {
  address,
  entriesOf,
  idsOf,
  IndexFiles,
  listing,
  listingBody,
  NETWORK,
  prng,
  record,
  shuffled,
  signedEntry,
  T0,
  wallet,
} from "./fixtures.ts";

/** Listings by 4 authors: keys with several versions (ties on createdAt included), withdrawals. */
function versionedListings(): VerifiedRecord[] {
  const random = prng(99);
  const records: VerifiedRecord[] = [];
  for (let a = 1; a <= 4; a++) {
    for (let k = 0; k < 12; k++) {
      const versions = 1 + Math.floor(random() * 4);
      for (let v = 0; v < versions; v++) {
        // Few distinct times: many ties, broken by id.
        const createdAt = T0 + Math.floor(random() * 6) * 1000;
        records.push(
          listing(
            address(a),
            k,
            {
              key: `a${a}-k${k}`,
              title: `${["red", "blue", "green"][v % 3]} bike ${k}`,
              category: ["bikes", "books", "home-garden"][k % 3]!,
              price: String(Math.floor(random() * 10) * 100),
              status: random() < 0.15 ? "withdrawn" : "active",
            },
            createdAt,
          ),
        );
      }
    }
  }
  return records;
}

const QUERIES: RecordQuery[] = [
  {},
  { sort: "oldest" },
  { history: true },
  { filters: { category: "bikes" } },
  { filters: { category: "books", price: { gte: "300", lte: "700" } } },
  { filters: { category: ["bikes", "home-garden"] }, sort: "price-asc" },
  { sort: "price-desc" },
  { filters: { status: "withdrawn" } },
  { author: address(2) },
  { author: address(3), history: true },
  { text: "bike" },
  { text: "red bike", filters: { category: "bikes" } },
  { text: "green", sort: "newest" },
];

async function answers(index: RecordIndex, records: readonly VerifiedRecord[]) {
  const pages = await Promise.all(QUERIES.map((q) => idsOf(index, q, 5)));
  const gets = await Promise.all(records.map((r) => index.get(r.id)));
  return { pages, gets, count: await index.count(), stats: await index.stats() };
}

describe("RecordIndex: versions and order", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  it("answers every query identically whatever the order and grouping of the entries", async function () {
    const records = versionedListings();
    const entries = entriesOf(records);
    const reference = await files.open(listingsIndex);
    await reference.ingestMany(entries);
    const expected = await answers(reference, records);
    expect(expected.pages[0]!.length).to.equal(48 - expected.pages[7]!.length);

    for (const seed of [1, 2, 3]) {
      const index = await files.open(listingsIndex);
      const order = shuffled(entries, seed);
      if (seed === 1) {
        for (const entry of order) await index.ingest(entry.entryHash, entry.records);
      } else {
        for (let i = 0; i < order.length; i += 17) await index.ingestMany(order.slice(i, i + 17));
      }
      expect(await answers(index, records)).to.deep.equal(expected);
    }
  });

  it("keeps the latest version current: a late older version does not replace it", async function () {
    const index = await files.open(listingsIndex);
    const seller = address(1);
    const newer = listing(seller, 1, { title: "newer" }, T0 + 2000);
    const older = listing(seller, 1, { title: "older" }, T0 + 1000);
    await index.ingest("e1", [newer]);
    await index.ingest("e2", [older]);
    expect((await index.get(newer.id))?.current).to.equal(true);
    expect((await index.get(older.id))?.current).to.equal(false);
    expect((await index.query({})).items.map((r) => r.id)).to.deep.equal([newer.id]);
    expect((await index.query({ text: "older" })).items).to.have.length(0);
    expect((await index.query({ text: "newer" })).items).to.have.length(1);
    expect((await index.query({ history: true })).items.map((r) => r.id)).to.deep.equal([newer.id, older.id]);
    expect(await index.count()).to.equal(1);
  });

  it("breaks a createdAt tie by the higher id", async function () {
    const index = await files.open(listingsIndex);
    const seller = address(1);
    const a = listing(seller, 1, { title: "one" }, T0);
    const b = listing(seller, 1, { title: "two" }, T0);
    const [low, high] = a.id < b.id ? [a, b] : [b, a];
    await index.ingest("e1", [high]);
    await index.ingest("e2", [low]);
    expect((await index.get(high.id))?.current).to.equal(true);
    expect((await index.get(low.id))?.current).to.equal(false);
  });

  it("versions are per author and type: the same key by two authors is two things", async function () {
    const index = await files.open(listingsIndex);
    await index.ingestMany(entriesOf([listing(address(1), 1), listing(address(2), 1)]));
    expect(await index.count()).to.equal(2);
  });

  describe("deny list", function () {
    it("hides an author's records from get, query, text and count at once, and shows them again", async function () {
      const records = versionedListings();
      const index = await files.open(listingsIndex);
      await index.ingestMany(entriesOf(records));
      const before = await answers(index, records);
      await index.setDenied(address(2), true);
      await index.setDenied(address(2), true);
      const denied = await answers(index, records);
      const byAuthor2 = records.filter((r) => r.author === address(2));
      for (const r of byAuthor2) expect(await index.get(r.id)).to.equal(undefined);
      expect(denied.pages[8]).to.deep.equal([]);
      expect((await index.query({ text: "bike", author: address(2) })).items).to.deep.equal([]);
      expect(denied.stats.hidden).to.equal(byAuthor2.length);
      expect(denied.count).to.be.below(before.count);
      await index.setDenied(address(2), false);
      expect(await answers(index, records)).to.deep.equal(before);
    });

    it("hides records of a denied author that arrive later", async function () {
      const index = await files.open(listingsIndex);
      await index.setDenied(address(5), true);
      const r = listing(address(5), 1);
      await index.ingest("e", [r]);
      expect(await index.get(r.id)).to.equal(undefined);
      expect(await index.count()).to.equal(0);
      await index.setDenied(address(5), false);
      expect((await index.get(r.id))?.current).to.equal(true);
      expect((await index.query({ text: "listing" })).items).to.have.length(1);
    });
  });

  describe("revoked app keys", function () {
    it("hides what the app key signed after `since`; the version before becomes current again", async function () {
      const index = await files.open(listingsIndex);
      const owner = wallet();
      const app = wallet();
      const grant = delegate(NETWORK, owner.key, app.address, ["listing"], 1_900_000_000_000, T0);
      const byApp = (i: number, title: string, at: number) =>
        signedEntry(
          "listings",
          signRecord(NETWORK, buildRecord("listing", owner.address, listingBody(i, { title }), at), app.key, grant),
        );
      const byOwner = signedEntry(
        "listings",
        signRecord(
          NETWORK,
          buildRecord("listing", owner.address, listingBody(1, { title: "original" }), T0 + 10),
          owner.key,
        ),
      );
      const early = byApp(2, "early app listing", T0 + 20);
      const hijack = byApp(1, "hijacked", T0 + 5_000);
      await index.ingestMany([byOwner, early, hijack]);
      expect(hijack.records[0]!.signer).to.equal(app.address);
      expect((await index.query({ text: "hijacked" })).items).to.have.length(1);

      await index.setRevoked(owner.address, app.address, T0 + 1_000);
      expect(await index.get(hijack.records[0]!.id)).to.equal(undefined);
      expect((await index.get(byOwner.records[0]!.id))?.current).to.equal(true);
      expect((await index.get(early.records[0]!.id))?.current).to.equal(true);
      expect((await index.query({ text: "hijacked" })).items).to.have.length(0);
      expect((await index.query({ text: "original" })).items).to.have.length(1);
      expect((await index.query({ filters: { key: "item-1" } })).items.map((r) => r.id)).to.deep.equal([
        byOwner.records[0]!.id,
      ]);
      expect((await index.stats()).hidden).to.equal(1);

      // A later revocation with a later `since` does not undo it (the earliest wins).
      await index.setRevoked(owner.address, app.address, T0 + 9_000);
      expect(await index.get(hijack.records[0]!.id)).to.equal(undefined);
      // A record the app key signs later is hidden on arrival.
      const later = byApp(3, "after revocation", T0 + 6_000);
      await index.ingest(later.entryHash, later.records);
      expect(await index.get(later.records[0]!.id)).to.equal(undefined);
    });

    it("gives the same index whether the revocation comes before or after the records", async function () {
      const owner = address(7);
      const app = address(8);
      const records = [
        record("listing", owner, listingBody(1, { title: "v1" }), { createdAt: T0, key: "item-1" }),
        record("listing", owner, listingBody(1, { title: "v2" }), { createdAt: T0 + 100, key: "item-1", signer: app }),
        record("listing", owner, listingBody(2, { title: "other" }), {
          createdAt: T0 + 200,
          key: "item-2",
          signer: app,
        }),
      ];
      const first = await files.open(listingsIndex);
      await first.setRevoked(owner, app, T0 + 50);
      await first.ingestMany(entriesOf(records));
      const second = await files.open(listingsIndex);
      await second.ingestMany(entriesOf(records));
      await second.setRevoked(owner, app, T0 + 50);
      expect(await answers(second, records)).to.deep.equal(await answers(first, records));
      expect((await second.query({})).items.map((r) => r.id)).to.deep.equal([records[0]!.id]);
    });

    it("ignores a revocation of the author's own address", async function () {
      const index = await files.open(listingsIndex);
      const r = listing(address(1), 1);
      await index.ingest("e", [r]);
      await index.setRevoked(address(1), address(1), 0);
      expect(await index.get(r.id)).to.not.equal(undefined);
    });
  });

  it("treats records without a key as each current (order notes)", async function () {
    const index = await files.open(indexSpecOf("orderNotes"));
    const body = {
      chainId: 1,
      orderId: "1",
      recipient: address(9),
      epk: "0x" + "11".repeat(32),
      nonce: "0x" + "22".repeat(24),
      ciphertext: "",
    };
    const notes = [0, 1, 2].map((i) => record("order-note", address(1), body, { createdAt: T0 + i }));
    await index.ingestMany(entriesOf(notes));
    expect(await index.count()).to.equal(3);
    for (const n of notes) expect((await index.get(n.id))?.current).to.equal(true);
    expect((await index.get(notes[0]!.id))?.key).to.equal(undefined);
  });
});
