import { expect } from "chai";
import type { VerifiedRecord } from "@stoa/protocol";
import type { RecordIndex, RecordQuery } from "../../src/index/record-index.ts";
import { indexSpecOf, listingsIndex } from "../../src/index/specs.ts";
import { address, allPages, entriesOf, IndexFiles, listing, prng, rejection, T0 } from "./fixtures.ts";

const MAX_UINT256 = ((1n << 256n) - 1n).toString();

describe("RecordIndex: queries", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  describe("filters and sorts", function () {
    let index: RecordIndex;
    const prices = ["0", "9", "10", "99", "100", "1000000000000000000", "999999999999999999999999", MAX_UINT256];
    beforeEach(async function () {
      index = await files.open(listingsIndex);
      const records = prices.map((price, i) =>
        listing(address(1 + (i % 2)), i, {
          price,
          category: i < 4 ? "cheap" : "dear",
          status: i === 3 ? "withdrawn" : "active",
        }),
      );
      await index.ingestMany(entriesOf(records));
    });
    const pricesOf = async (q: RecordQuery) =>
      (await allPages(index, q)).map((r) => (r.body as { price: string }).price);

    it("sorts uint256 prices numerically, both ways, exactly up to 2^256 - 1", async function () {
      const active = prices.filter((_, i) => i !== 3);
      expect(await pricesOf({ sort: "price-asc" })).to.deep.equal(active);
      expect(await pricesOf({ sort: "price-desc" })).to.deep.equal([...active].reverse());
    });

    it("filters uint256 ranges exactly, from strings or safe integers", async function () {
      expect(
        await pricesOf({ filters: { price: { gte: "10", lte: "1000000000000000000" } }, sort: "price-asc" }),
      ).to.deep.equal(["10", "100", "1000000000000000000"]);
      expect(await pricesOf({ filters: { price: { gte: 100 } }, sort: "price-asc" })).to.deep.equal(prices.slice(4));
      expect(await pricesOf({ filters: { price: { gte: MAX_UINT256 } } })).to.deep.equal([MAX_UINT256]);
      expect(await pricesOf({ filters: { price: "9" } })).to.deep.equal(["9"]);
    });

    it("leaves withdrawn listings out unless the status filter asks for them", async function () {
      expect(await pricesOf({ filters: { category: "cheap" }, sort: "price-asc" })).to.deep.equal(["0", "9", "10"]);
      expect(await pricesOf({ filters: { status: "withdrawn" } })).to.deep.equal(["99"]);
      expect(
        await pricesOf({ filters: { category: "cheap", status: ["active", "withdrawn"] }, sort: "price-asc" }),
      ).to.deep.equal(["0", "9", "10", "99"]);
      expect(await index.count()).to.equal(prices.length);
    });

    it("orders by time both ways and filters by author and type", async function () {
      const newest = await allPages(index, {});
      expect(newest.map((r) => r.createdAt)).to.deep.equal([...newest.map((r) => r.createdAt)].sort((a, b) => b - a));
      const oldest = await allPages(index, { sort: "oldest" });
      expect(oldest.map((r) => r.id)).to.deep.equal(newest.map((r) => r.id).reverse());
      expect((await allPages(index, { author: address(2) })).every((r) => r.author === address(2))).to.equal(true);
      expect(await allPages(index, { type: "listing" })).to.have.length(newest.length);
    });
  });

  describe("bad queries", function () {
    const cases: [string, RecordQuery, string, string][] = [
      ["unknown filter", { filters: { colour: "red" } }, "filters.colour", "unknown"],
      ["range on an eq/in column", { filters: { category: { gte: "a" } } }, "filters.category", "operator"],
      ["in on a column without in", { filters: { kind: ["physical"] } }, "filters.kind", "operator"],
      ["eq on a range-only column", { filters: { price: ["1"] } }, "filters.price", "operator"],
      ["a price that is not a uint", { filters: { price: "1.5" } }, "filters.price", "type"],
      ["a negative price", { filters: { price: { gte: -1 } } }, "filters.price.gte", "type"],
      ["a leading zero", { filters: { price: "012" } }, "filters.price", "type"],
      ["a number for a text column", { filters: { category: 5 } }, "filters.category", "type"],
      ["range with another key", { filters: { price: { gte: "1", below: "2" } as never } }, "filters.price", "shape"],
      ["empty range", { filters: { price: {} } }, "filters.price", "shape"],
      ["null filter", { filters: { category: null as never } }, "filters.category", "shape"],
      [
        "too many in values",
        { filters: { category: Array.from({ length: 51 }, (_, i) => `c${i}`) } },
        "filters.category",
        "range",
      ],
      ["limit 0", { limit: 0 }, "limit", "range"],
      ["limit 101", { limit: 101 }, "limit", "range"],
      ["fractional limit", { limit: 1.5 }, "limit", "range"],
      ["unknown sort", { sort: "cheapest" }, "sort", "unknown"],
      ["relevance without text", { sort: "relevance" }, "sort", "needs-text"],
      ["text with history", { text: "bike", history: true }, "history", "text"],
      ["text of no words", { text: '"*() -' }, "text", "empty"],
      ["text too long", { text: "a".repeat(257) }, "text", "length"],
      ["bad author", { author: "alice" }, "author", "address"],
      ["unknown type", { type: "review" }, "type", "unknown"],
      ["unknown query field", { page: 2 } as RecordQuery, "page", "unknown"],
      ["garbage cursor", { cursor: "not-a-cursor" }, "cursor", "invalid"],
      ["history not a boolean", { history: "yes" as never }, "history", "type"],
    ];
    for (const [name, query, field, rule] of cases) {
      it(`${name}: QueryError on ${field} (${rule})`, async function () {
        const index = await files.open(listingsIndex);
        const error = await rejection(index.query(query));
        expect(error.name).to.equal("QueryError");
        expect(error).to.include({ field, rule });
      });
    }

    it("text on a family without text: QueryError on text (unsupported)", async function () {
      const index = await files.open(indexSpecOf("delegations"));
      expect(await rejection(index.query({ text: "x" }))).to.include({
        name: "QueryError",
        field: "text",
        rule: "unsupported",
      });
    });

    it("refuses a tampered cursor, a cursor of another query and a cursor of another index", async function () {
      const index = await files.open(listingsIndex);
      const other = await files.open(listingsIndex);
      const records = Array.from({ length: 10 }, (_, i) => listing(address(1), i, { category: "bikes" }));
      await index.ingestMany(entriesOf(records));
      await other.ingestMany(entriesOf(records));
      const { next } = await index.query({ filters: { category: "bikes" }, limit: 3 });
      expect(next).to.be.a("string");
      const [payload, check] = next!.split(".");
      const tampered = Buffer.from(payload!, "base64url").toString().replace(/\[\d/, "[9");
      const attempts = [
        { filters: { category: "bikes" }, cursor: `${Buffer.from(tampered).toString("base64url")}.${check}` },
        { filters: { category: "bikes" }, cursor: `${payload}.${check!.slice(0, -2)}AA` },
        { filters: { category: "books" }, cursor: next },
        { filters: { category: "bikes" }, sort: "oldest", cursor: next },
        { filters: { category: "bikes" }, cursor: `${next}.x` },
      ];
      for (const q of attempts) {
        expect(await rejection(index.query(q))).to.include({ name: "QueryError", field: "cursor", rule: "invalid" });
      }
      expect(await rejection(other.query({ filters: { category: "bikes" }, cursor: next }))).to.include({
        field: "cursor",
      });
      // The limit may change between pages.
      expect((await index.query({ filters: { category: "bikes" }, limit: 5, cursor: next })).items).to.have.length(5);
    });
  });

  describe("keyset pagination", function () {
    /** 300 listings in batches sharing a createdAt: most sort keys tie on time. */
    function many(count: number, seed: number, from = 0, at = T0): VerifiedRecord[] {
      const random = prng(seed);
      return Array.from({ length: count }, (_, i) =>
        listing(
          address(1 + (i % 5)),
          from + i,
          { category: ["bikes", "books"][i % 2]!, price: String(Math.floor(random() * 50) * 10) },
          at + Math.floor(i / 25) * 1000,
        ),
      );
    }

    it("walks many pages without duplicates or gaps, for every sort", async function () {
      const index = await files.open(listingsIndex);
      const records = many(300, 5);
      await index.ingestMany(entriesOf(records));
      for (const query of [
        {},
        { sort: "oldest" },
        { sort: "price-asc" },
        { sort: "price-desc" },
        { filters: { category: "books" } },
      ]) {
        const pages = await allPages(index, query, 7);
        const expected = records.filter((r) => !query.filters || (r.body as { category: string }).category === "books");
        expect(pages.map((r) => r.id).sort()).to.deep.equal(expected.map((r) => r.id).sort());
        // one page of everything gives the same order
        const direct = await allPages(index, query, 100);
        expect(pages.map((r) => r.id)).to.deep.equal(direct.map((r) => r.id));
      }
    });

    it("stays stable when newer records arrive between pages", async function () {
      const index = await files.open(listingsIndex);
      const records = many(120, 6);
      await index.ingestMany(entriesOf(records));
      const seen: string[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = await index.query({ filters: { category: "bikes" }, limit: 9, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.next;
        // newer listings arrive meanwhile (before the cursor: never in a later page)
        await index.ingestMany(entriesOf(many(10, 100 + round, 1_000 + round * 10, T0 + 10_000_000 + round)));
        round++;
      } while (cursor);
      const expected = records.filter((r) => (r.body as { category: string }).category === "bikes").map((r) => r.id);
      expect(seen).to.have.length(expected.length);
      expect([...seen].sort()).to.deep.equal([...expected].sort());
    });

    it("paginates history, including superseded versions", async function () {
      const index = await files.open(listingsIndex);
      const v1 = Array.from({ length: 20 }, (_, i) => listing(address(1), i, {}, T0 + i));
      const v2 = Array.from({ length: 20 }, (_, i) => listing(address(1), i, { title: "again" }, T0 + 100 + i));
      await index.ingestMany(entriesOf([...v1, ...v2]));
      const history = await allPages(index, { author: address(1), history: true }, 6);
      expect(history).to.have.length(40);
      expect(history.filter((r) => r.current)).to.have.length(20);
      expect(await allPages(index, { history: true }, 6)).to.have.length(40);
    });
  });
});
