import { expect } from "chai";
import { buildRecord, delegate, signBatch, signRecord, type Hex } from "@stoa/protocol";
import { indexSpecOf, listingsIndex } from "../../src/index/specs.ts";
import { IndexFiles, listingBody, NETWORK, rejection, signedEntry, wallet } from "./fixtures.ts";

describe("RecordIndex: real signed records of every family", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  describe("ingest, get, hasEntry", function () {
    it("stores a single signed record with its entry, and get returns it as verified", async function () {
      const index = await files.open(listingsIndex);
      const seller = wallet();
      const entry = signedEntry(
        "listings",
        signRecord(NETWORK, buildRecord("listing", seller.address, listingBody(1), 1_700_000_000_000), seller.key),
      );
      expect(await index.hasEntry(entry.entryHash)).to.equal(false);
      await index.ingest(entry.entryHash, entry.records);
      expect(await index.hasEntry(entry.entryHash)).to.equal(true);
      const stored = await index.get(entry.records[0]!.id);
      expect(stored).to.deep.equal({ ...entry.records[0], entryHash: entry.entryHash, current: true });
      expect(await index.get("0x" + "00".repeat(32))).to.equal(undefined);
    });

    it("ingests an author batch as one entry, each record with its envelope and place", async function () {
      const index = await files.open(listingsIndex);
      const seller = wallet();
      const items = [1, 2, 3].map((i) => ({
        type: "listing" as const,
        v: 1,
        createdAt: 1_700_000_000_000 + i,
        body: listingBody(i),
      }));
      const entry = signedEntry("listings", signBatch(NETWORK, "listings", seller.address, items, seller.key));
      await index.ingest(entry.entryHash, entry.records);
      for (const [i, r] of entry.records.entries()) {
        const stored = await index.get(r.id);
        expect(stored?.envelopeId).to.equal(entry.records[0]!.envelopeId);
        expect(stored?.index).to.equal(i);
        expect(stored?.entryHash).to.equal(entry.entryHash);
      }
      expect(await index.stats()).to.deep.equal({ records: 3, entries: 1, hidden: 0 });
    });

    it("is idempotent: the same entry twice, or a record again in another entry, changes nothing", async function () {
      const index = await files.open(listingsIndex);
      const seller = wallet();
      const entry = signedEntry(
        "listings",
        signRecord(NETWORK, buildRecord("listing", seller.address, listingBody(1)), seller.key),
      );
      await index.ingest(entry.entryHash, entry.records);
      const before = await index.query({});
      await index.ingest(entry.entryHash, entry.records);
      await index.ingestMany([entry, entry, { entryHash: "other-entry", records: entry.records }]);
      expect(await index.query({})).to.deep.equal(before);
      expect((await index.get(entry.records[0]!.id))?.entryHash).to.equal(entry.entryHash);
      expect(await index.stats()).to.deep.equal({ records: 1, entries: 2, hidden: 0 });
      await index.ingestMany([]);
    });
  });

  describe("each family's filters", function () {
    it("profiles: one current profile per author, name filter and text on name and bio", async function () {
      const index = await files.open(indexSpecOf("profiles"));
      const ada = wallet();
      const bob = wallet();
      const first = signedEntry(
        "profiles",
        signRecord(NETWORK, buildRecord("profile", ada.address, { name: "Ada" }, 1_700_000_000_000), ada.key),
      );
      const second = signedEntry(
        "profiles",
        signRecord(
          NETWORK,
          buildRecord("profile", ada.address, { name: "Ada Lovelace", bio: "analytical engines" }, 1_700_000_000_500),
          ada.key,
        ),
      );
      const bobs = signedEntry(
        "profiles",
        signRecord(NETWORK, buildRecord("profile", bob.address, { name: "Bob", bio: "engines and boats" }), bob.key),
      );
      await index.ingestMany([second, bobs, first]);
      expect(await index.count()).to.equal(2);
      const byName = await index.query({ filters: { name: "Ada Lovelace" } });
      expect(byName.items.map((r) => r.id)).to.deep.equal([second.records[0]!.id]);
      expect((await index.query({ filters: { name: "Ada" } })).items).to.have.length(0);
      const text = await index.query({ text: "engines" });
      expect(text.items.map((r) => r.author).sort()).to.deep.equal([ada.address, bob.address].sort());
      expect((await index.query({ text: "lovelace" })).items.map((r) => r.id)).to.deep.equal([second.records[0]!.id]);
      expect((await index.get(first.records[0]!.id))?.current).to.equal(false);
    });

    it("delegations: delegate filter, and delegations and revocations kept apart by type", async function () {
      const index = await files.open(indexSpecOf("delegations"));
      const owner = wallet();
      const app = wallet();
      const granted = delegate(NETWORK, owner.key, app.address, ["listing"], 1_900_000_000_000, 1_700_000_000_000);
      const revocation = signRecord(
        NETWORK,
        buildRecord("delegation-revocation", owner.address, { delegate: app.address }, 1_700_000_100_000),
        owner.key,
      );
      await index.ingestMany([signedEntry("delegations", granted), signedEntry("delegations", revocation)]);
      const both = await index.query({ filters: { delegate: app.address } });
      expect(both.items.map((r) => r.type)).to.deep.equal(["delegation-revocation", "delegation"]);
      const grants = await index.query({ type: "delegation", author: owner.address.toUpperCase().replace("0X", "0x") });
      expect(grants.items).to.have.length(1);
      expect(grants.items[0]!.key).to.equal(app.address);
      expect((await index.query({ filters: { expiresAt: { gte: 1_800_000_000_000 } } })).items).to.have.length(1);
    });

    it("listings: category, price range, currency, kind, seller, key", async function () {
      const index = await files.open(listingsIndex);
      const seller = wallet();
      const other = wallet();
      const bodies = [
        listingBody(1, { category: "bikes", price: "500", kind: "physical" }),
        listingBody(2, { category: "bikes", price: "1500", kind: "digital" }),
        listingBody(3, { category: "books", price: "20", currency: "0x" + "ab".repeat(20) }),
      ];
      const entries = bodies.map((body, i) =>
        signedEntry(
          "listings",
          signRecord(
            NETWORK,
            buildRecord("listing", i === 2 ? other.address : seller.address, body, 1_700_000_000_000 + i),
            i === 2 ? other.key : seller.key,
          ),
        ),
      );
      await index.ingestMany(entries);
      const ids = (q: Parameters<typeof index.query>[0]) =>
        index.query(q).then((r) => r.items.map((x) => (x.body as { key: string }).key));
      expect(await ids({ filters: { category: "bikes" } })).to.deep.equal(["item-2", "item-1"]);
      expect(await ids({ filters: { category: "bikes", price: { gte: "1000" } } })).to.deep.equal(["item-2"]);
      expect(await ids({ filters: { price: { lte: 500 } } })).to.deep.equal(["item-3", "item-1"]);
      expect(await ids({ filters: { currency: "ETH" } })).to.deep.equal(["item-2", "item-1"]);
      expect(await ids({ filters: { kind: "digital" } })).to.deep.equal(["item-2"]);
      expect(await ids({ filters: { seller: other.address } })).to.deep.equal(["item-3"]);
      expect(await ids({ author: seller.address, sort: "oldest" })).to.deep.equal(["item-1", "item-2"]);
      expect(await ids({ filters: { key: "item-2" } })).to.deep.equal(["item-2"]);
      expect(await ids({ filters: { category: ["books", "bikes"] }, sort: "price-asc" })).to.deep.equal([
        "item-3",
        "item-1",
        "item-2",
      ]);
    });

    it("order notes: no key, so every note is current; recipient and order filters", async function () {
      const index = await files.open(indexSpecOf("orderNotes"));
      const buyer = wallet();
      const seller = wallet();
      const note = (orderId: string, t: number) =>
        signedEntry(
          "orderNotes",
          signRecord(
            NETWORK,
            buildRecord(
              "order-note",
              buyer.address,
              {
                chainId: 31337,
                orderId,
                recipient: seller.address,
                epk: "0x" + "11".repeat(32),
                nonce: "0x" + "22".repeat(24),
                ciphertext: "c2VjcmV0",
              },
              t,
            ),
            buyer.key,
          ),
        );
      await index.ingestMany([
        note("7", 1_700_000_000_000),
        note("7", 1_700_000_000_001),
        note("8", 1_700_000_000_002),
      ]);
      expect(await index.count()).to.equal(3);
      expect((await index.query({ filters: { orderId: "7" } })).items).to.have.length(2);
      expect((await index.query({ filters: { recipient: seller.address, chainId: 31337 } })).items).to.have.length(3);
    });

    it("reviews: one current review per order, seller and rating filters, text", async function () {
      const index = await files.open(indexSpecOf("reviews"));
      const buyer = wallet();
      const seller = wallet();
      const review = (orderId: string, rating: number, text: string, t: number) =>
        signedEntry(
          "reviews",
          signRecord(
            NETWORK,
            buildRecord(
              "review",
              buyer.address,
              { chainId: 31337, marketplace: "0x" + "cd".repeat(20), orderId, seller: seller.address, rating, text },
              t,
            ),
            buyer.key,
          ),
        );
      await index.ingestMany([
        review("1", 2, "slow shipping", 1_700_000_000_000),
        review("1", 4, "arrived after all, fine", 1_700_000_001_000),
        review("2", 5, "perfect bicycle", 1_700_000_002_000),
      ]);
      expect(await index.count()).to.equal(2);
      const ratings = await index.query({ filters: { seller: seller.address } });
      expect(ratings.items.map((r) => (r.body as { rating: number }).rating)).to.deep.equal([5, 4]);
      expect((await index.query({ filters: { rating: { gte: 4, lte: 4 } } })).items).to.have.length(1);
      expect((await index.query({ filters: { rating: [1, 2, 3] } })).items).to.have.length(0);
      expect((await index.query({ filters: { rating: [1, 2, 3] }, history: true })).items).to.have.length(1);
      expect((await index.query({ text: "shipping" })).items).to.have.length(0);
      expect((await index.query({ text: "bicycle" })).items).to.have.length(1);
    });
  });

  describe("restart", function () {
    it("answers at once after close and reopen, from the file, with the same results and valid cursors", async function () {
      const path = files.path("restart");
      const index = await files.open(listingsIndex, {}, path);
      const seller = wallet();
      const items = Array.from({ length: 30 }, (_, i) => ({
        type: "listing" as const,
        v: 1,
        createdAt: 1_700_000_000_000 + i,
        body: listingBody(i, { category: i % 2 ? "bikes" : "books", title: `bike ${i % 3 ? "red" : "blue"}` }),
      }));
      const entry = signedEntry("listings", signBatch(NETWORK, "listings", seller.address, items, seller.key));
      await index.ingest(entry.entryHash, entry.records);
      const queries = [
        {},
        { filters: { category: "bikes" }, limit: 5 },
        { text: "blue" },
        { author: seller.address, sort: "price-desc" },
      ];
      const before = await Promise.all(queries.map((q) => index.query(q)));
      await index.close();

      const started = performance.now();
      const reopened = await files.open(listingsIndex, {}, path);
      const openMs = performance.now() - started;
      expect(await reopened.hasEntry(entry.entryHash)).to.equal(true);
      expect(await reopened.get(entry.records[3]!.id)).to.deep.equal({
        ...entry.records[3],
        entryHash: entry.entryHash,
        current: true,
      });
      expect(await Promise.all(queries.map((q) => reopened.query(q)))).to.deep.equal(before);
      // a cursor made before the restart still works
      const next = await reopened.query({ filters: { category: "bikes" }, limit: 5, cursor: before[1]!.next! });
      expect(next.items).to.have.length(5);
      expect(openMs).to.be.below(500);
      expect(await reopened.stats()).to.deep.equal({ records: 30, entries: 1, hidden: 0 });
    });

    it("refuses use after close with NotStartedError, and a second close does nothing", async function () {
      const index = await files.open(listingsIndex);
      await index.close();
      await index.close();
      expect((await rejection(index.query({}))).name).to.equal("NotStartedError");
    });
  });

  it("keeps the author of a record as typed (lower case) and finds it from any case", async function () {
    const index = await files.open(listingsIndex);
    const seller = wallet();
    const entry = signedEntry(
      "listings",
      signRecord(NETWORK, buildRecord("listing", seller.address, listingBody(1)), seller.key),
    );
    await index.ingest(entry.entryHash, entry.records);
    const upper = ("0x" + seller.address.slice(2).toUpperCase()) as Hex;
    expect((await index.query({ author: upper })).items).to.have.length(1);
  });
});
