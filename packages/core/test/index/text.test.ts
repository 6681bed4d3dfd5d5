import { expect } from "chai";
import type { VerifiedRecord } from "@stoa/protocol";
import type { RecordIndex } from "../../src/index/record-index.ts";
import { listingsIndex } from "../../src/index/specs.ts";
import { matchExpression, tokenize } from "../../src/index/text.ts";
import { address, allPages, entriesOf, IndexFiles, listing, rejection, T0 } from "./fixtures.ts";

const titleOf = (r: { body: unknown }) => (r.body as { title: string }).title;

describe("RecordIndex: full text", function () {
  let files: IndexFiles;
  beforeEach(function () {
    files = new IndexFiles();
  });
  afterEach(async function () {
    await files.cleanup();
  });

  describe("user input never reaches FTS5 syntax", function () {
    const titles = [
      'NEAR the "lake" house',
      "C++ (new) compiler book",
      "-50% off* sale",
      "title:hack attempt",
      "AND OR NOT words",
      "Café crème brûlée",
      "東京 タワー model",
      "emoji 🚲 bike",
    ];
    let index: RecordIndex;
    beforeEach(async function () {
      index = await files.open(listingsIndex);
      await index.ingestMany(
        entriesOf(titles.map((title, i) => listing(address(1), i, { title, description: "", category: "books" }))),
      );
    });

    const cases: [string, string[]][] = [
      ['"lake', ['NEAR the "lake" house']],
      ["NEAR(lake house)", ['NEAR the "lake" house']],
      ['lake" OR "sale', []],
      ["lake*", ['NEAR the "lake" house']],
      ["c++ (new", ["C++ (new) compiler book"]],
      ["-50%", ["-50% off* sale"]],
      ["off*", ["-50% off* sale"]],
      ["title:hack", ["title:hack attempt"]],
      ["AND OR NOT", ["AND OR NOT words"]],
      ["not", ["AND OR NOT words"]],
      ["cafe", ["Café crème brûlée"]],
      ["CAFÉ CREME brulee", ["Café crème brûlée"]],
      ["東京", ["東京 タワー model"]],
      ["🚲 bike", ["emoji 🚲 bike"]],
      // a column filter is only words ("t", "title", ...), which no record holds
      ["{t_title t_description} : compiler", []],
      // a facet token cannot be reached from the text: "books" is every record's category
      ["f_category : 626f6f6b73", []],
      ["books", []],
      ["^lake + - NEAR/2 \\ ' ; -- DROP TABLE records", []],
    ];
    for (const [text, expected] of cases) {
      it(`${JSON.stringify(text)} finds ${JSON.stringify(expected)}`, async function () {
        const found = await index.query({ text });
        expect(found.items.map(titleOf)).to.deep.equal(expected);
      });
    }

    it("text with no words at all is a QueryError, not an FTS error", async function () {
      for (const text of ['"', "*", "()", "-", "🚲", "   ", ":"]) {
        expect(await rejection(index.query({ text }))).to.include({ name: "QueryError", field: "text", rule: "empty" });
      }
    });

    it("quotes every word, so the expression holds no operator of the user", function () {
      const words = tokenize('a "b" OR NEAR(c d)* e:f -g ^h');
      expect(words).to.deep.equal(["a", "b", "or", "near", "c", "d", "e", "f", "g", "h"]);
      expect(matchExpression(["t_title"], ['x"y'], [])).to.equal('{t_title} : ("x""y")');
    });
  });

  describe("ranking", function () {
    it("ranks a title match above a description match (bm25 weights title x10)", async function () {
      const index = await files.open(listingsIndex);
      await index.ingestMany(
        entriesOf([
          listing(address(1), 1, { title: "thing", description: "bicycle bicycle bicycle" }, T0 + 2),
          listing(address(1), 2, { title: "bicycle", description: "something else entirely" }, T0 + 1),
        ]),
      );
      expect((await index.query({ text: "bicycle" })).items.map(titleOf)).to.deep.equal(["bicycle", "thing"]);
      expect((await index.query({ text: "bicycle", sort: "newest" })).items.map(titleOf)).to.deep.equal([
        "thing",
        "bicycle",
      ]);
    });

    it("matches facets exactly inside MATCH, even slugs that share words", async function () {
      const index = await files.open(listingsIndex, { rankLimits: { rankLimit: 1 } });
      await index.ingestMany(
        entriesOf([
          listing(address(1), 1, { title: "spade", category: "home-garden" }),
          listing(address(1), 2, { title: "spade", category: "home-garden-tools" }),
          listing(address(1), 3, { title: "spade", category: "garden-home" }),
          listing(address(1), 4, { title: "spade", category: "home-garden" }),
        ]),
      );
      const found = await allPages(index, { text: "spade", filters: { category: "home-garden" } });
      expect(found.map((r) => (r.body as { category: string }).category)).to.deep.equal(["home-garden", "home-garden"]);
      const both = await allPages(index, {
        text: "spade",
        filters: { category: ["garden-home", "home-garden-tools"] },
      });
      expect(both).to.have.length(2);
    });
  });

  describe("very common words and broad queries", function () {
    async function corpus(options: Parameters<IndexFiles["open"]>[1]) {
      const index = await files.open(listingsIndex, options);
      const records: VerifiedRecord[] = [];
      for (let i = 0; i < 40; i++) {
        const words = [
          "the",
          ...(i % 5 ? ["bike"] : []),
          ...(i % 4 === 0 ? ["red"] : []),
          ...(i === 7 ? ["rare"] : []),
        ];
        records.push(
          listing(
            address(1 + (i % 3)),
            i,
            { title: words.join(" "), category: i % 2 ? "a" : "b" },
            T0 + (i % 10) * 100,
          ),
        );
      }
      await index.ingestMany(entriesOf(records));
      await index.refreshVocabulary();
      return { index, records };
    }
    const setOf = (items: { body: unknown }[]) => items.map((r) => (r.body as { key: string }).key).sort();

    it("leaves very common words out of a query that has other words (STACK.md)", async function () {
      const { index, records } = await corpus({ vocabulary: { minDocs: 2 } });
      const rare = await allPages(index, { text: "the rare bike" });
      expect(rare.map((r) => r.id)).to.deep.equal([records[7]!.id]);
      // "bike" (in 80%) is left out: every "red" listing comes, with or without a bike
      const red = await allPages(index, { text: "red bike" });
      expect(red).to.have.length(10);
      expect(red.filter((r) => !titleOf(r).includes("bike"))).to.have.length(2);
    });

    it("answers a query of only very common words newest first, over all pages", async function () {
      const { index, records } = await corpus({ vocabulary: { minDocs: 2 } });
      const all = await allPages(index, { text: "the bike" }, 6);
      expect(setOf(all)).to.deep.equal(setOf(records.filter((r) => titleOf(r).includes("bike"))));
      const times = all.map((r) => r.createdAt);
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      expect(await allPages(index, { text: "the", filters: { category: "a" } }, 4)).to.have.length(20);
    });

    it("gives the same records whatever the rank limits; broad queries come newest first", async function () {
      const ranked = await corpus({});
      const broad = await corpus({ rankLimits: { rankLimit: 3 } });
      for (const query of [
        { text: "bike" },
        { text: "red" },
        { text: "red", filters: { category: "b" } },
        { text: "bike", sort: "price-asc" },
      ]) {
        const a = await allPages(ranked.index, query, 4);
        const b = await allPages(broad.index, query, 4);
        expect(setOf(b)).to.deep.equal(setOf(a));
      }
      const newestFirst = await allPages(broad.index, { text: "bike" }, 4);
      const times = newestFirst.map((r) => r.createdAt);
      expect(times).to.deep.equal([...times].sort((x, y) => y - x));
      // "bike" in category "a": 40 matches, too many to rank without the facet, few enough with it
      const withFacet = await corpus({ rankLimits: { rankLimit: 25 } });
      const query = { text: "bike", filters: { category: "a" } };
      const plan = await withFacet.index.explain(query);
      expect(plan.sql).to.include("bm25");
      expect(String(plan.params[0])).to.match(/^f_category : \("61"\) AND/);
      expect(setOf(await allPages(withFacet.index, query, 3))).to.deep.equal(
        setOf(await allPages(ranked.index, query, 3)),
      );
    });

    it("seeks a word most records hold row by row while walking, with the same pages", async function () {
      const index = await files.open(listingsIndex, { vocabulary: { minDocs: 2 } });
      const records = Array.from({ length: 2_500 }, (_, i) =>
        listing(address(1 + (i % 3)), i, { title: `the ${i % 5 ? "thing" : "bike"}` }, T0 + i),
      );
      await index.ingestMany(entriesOf(records));
      await index.refreshVocabulary();
      const plan = await index.explain({ text: "the", limit: 1 });
      expect(plan.sql).to.include("EXISTS (SELECT 1 FROM fts WHERE fts MATCH ? AND rowid = r.rid)");
      const pages: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 5; n++) {
        const page = await index.query({ text: "the", limit: 1, ...(cursor ? { cursor } : {}) });
        pages.push(...page.items.map((r) => r.id));
        cursor = page.next;
      }
      expect(pages).to.deep.equal(
        records
          .slice(-5)
          .reverse()
          .map((r) => r.id),
      );
      // a second, rarer word: its matches read once, the common one still sought per row
      const bikes = await index.query({ text: "the bike", limit: 1 });
      expect(titleOf(bikes.items[0]!)).to.equal("the bike");
    });

    it("refuses to rank words whose lists are too long to scan, yet finds the same records", async function () {
      const { index } = await corpus({
        vocabulary: { minDocs: 2, commonShare: 0.9 },
        rankLimits: { rankScanLimit: 5 },
      });
      const found = await allPages(index, { text: "red bike" }, 3);
      expect(found).to.have.length(8);
      const times = found.map((r) => r.createdAt);
      expect(times).to.deep.equal([...times].sort((x, y) => y - x));
    });
  });
});
