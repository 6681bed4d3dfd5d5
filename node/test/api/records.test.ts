import {
  buildRecord,
  delegate,
  signBatch,
  signRecord,
  type AuthorBatch,
  type ReviewV1,
  type SignedRecord,
} from "@stoa/protocol";
import { expect } from "chai";
import {
  bearer,
  errorOf,
  listingBody,
  NETWORK,
  signedListing,
  signIn,
  startApi,
  wallet,
  type TestApi,
  type TestWallet,
} from "./helpers.ts";

interface Stored {
  id: string;
  type: string;
  author: string;
  signer: string;
  body: Record<string, unknown>;
  current: boolean;
}

describe("API: records", function () {
  let t: TestApi;
  let seller: TestWallet;
  let token: string;

  before(async function () {
    t = await startApi();
    seller = wallet();
    token = await signIn(t.api, seller);
  });
  after(() => t?.stop());

  const put = (family: string, envelope: unknown, auth = token) =>
    t.api.inject({ method: "POST", url: `/v1/records/${family}`, headers: bearer(auth), payload: envelope as object });

  describe("POST /v1/records/{family}", function () {
    it("writes a signed record: 201 with its id, entry and stored records", async function () {
      const record = signedListing(seller, 1);
      const response = await put("listings", record);
      expect(response.statusCode).to.equal(201);
      const result = response.json<{ id: string; entry: string; records: Stored[] }>();
      expect(result.id).to.match(/^0x[0-9a-f]{64}$/);
      expect(result.entry).to.be.a("string").and.not.empty;
      expect(result.records).to.have.length(1);
      expect(result.records[0]).to.include({ id: result.id, author: seller.address, type: "listing", current: true });
      expect(result.records[0]!.body).to.deep.equal(record.body);
    });

    it("writes an author batch under one signature", async function () {
      const now = Date.now();
      const items = [2, 3, 4].map((i, n) => ({
        type: "listing" as const,
        v: 1,
        createdAt: now + n,
        body: listingBody(i),
      }));
      const batch = signBatch(NETWORK, "listings", seller.address, items, seller.key, { createdAt: now });
      const response = await put("listings", batch);
      expect(response.statusCode).to.equal(201);
      const result = response.json<{ id: string; records: Stored[] }>();
      expect(result.records.map((r) => r.body.key)).to.deep.equal(["item-2", "item-3", "item-4"]);
    });

    it("is idempotent: the same record again answers the same ids", async function () {
      const record = signedListing(seller, 5);
      const first = (await put("listings", record)).json<{ id: string; entry: string }>();
      const second = await put("listings", record);
      expect(second.statusCode).to.equal(201);
      expect(second.json()).to.include({ id: first.id, entry: first.entry });
    });

    it("accepts a record signed by an app key under the author's delegation, with the app key's session", async function () {
      const author = wallet();
      const appKey = wallet();
      const delegation = delegate(NETWORK, author.key, appKey.address, ["listing"], Date.now() + 3_600_000);
      const record = signRecord(
        NETWORK,
        buildRecord("listing", author.address, listingBody(6)),
        appKey.key,
        delegation,
      );
      const response = await put("listings", record, await signIn(t.api, appKey));
      expect(response.statusCode).to.equal(201);
      expect(response.json<{ records: Stored[] }>().records[0]).to.include({
        author: author.address,
        signer: appKey.address,
      });
    });

    it("401 without a session, with an unknown token", async function () {
      const record = signedListing(seller, 7);
      const anonymous = await t.api.inject({ method: "POST", url: "/v1/records/listings", payload: record });
      expect(anonymous.statusCode).to.equal(401);
      expect(errorOf(anonymous).code).to.equal("unauthorized");
      expect((await put("listings", record, "made-up-token")).statusCode).to.equal(401);
    });

    it("403 when the session's account is neither the author nor the signer", async function () {
      const response = await put("listings", signedListing(wallet(), 8));
      expect(response.statusCode).to.equal(403);
      expect(errorOf(response)).to.include({ code: "forbidden", field: "author" });
    });

    it("400 with the field and rule at fault for an invalid record", async function () {
      const bad = signedListing(seller, 9, { price: "01" });
      const response = await put("listings", bad);
      expect(response.statusCode).to.equal(400);
      expect(errorOf(response)).to.include({ code: "invalid-record", field: "body.price" });
      const batch = signBatch(
        NETWORK,
        "listings",
        seller.address,
        [{ type: "listing", v: 1, createdAt: Date.now(), body: { ...listingBody(10), quantity: -1 } }],
        seller.key,
      );
      expect(errorOf(await put("listings", batch))).to.include({ field: "items.0.body.quantity" });
      const shape = await put("listings", { type: "listing", hello: 1 });
      expect(shape.statusCode).to.equal(400);
      expect(errorOf(shape).code).to.equal("invalid-record");
    });

    it("400 for a forged signature, a record of another family, an expired delegation", async function () {
      const record = signedListing(seller, 11);
      const forged: SignedRecord<"listing"> = { ...record, body: { ...record.body, price: "1" } };
      expect(errorOf(await put("listings", forged))).to.include({ code: "bad-signature", field: "sig" });

      const profile = signRecord(NETWORK, buildRecord("profile", seller.address, { name: "Ada" }), seller.key);
      expect(errorOf(await put("listings", profile))).to.include({ code: "invalid-record", field: "type" });

      const appKey = wallet();
      const delegation = delegate(
        NETWORK,
        seller.key,
        appKey.address,
        ["listing"],
        Date.now() - 1000,
        Date.now() - 2000,
      );
      const late = signRecord(NETWORK, buildRecord("listing", seller.address, listingBody(12)), appKey.key, delegation);
      const response = await put("listings", late, await signIn(t.api, appKey));
      expect(response.statusCode).to.equal(400);
      expect(errorOf(response)).to.include({ code: "bad-delegation", field: "delegation" });
    });

    it("403 with the reason when the node's policy refuses the author", async function () {
      const denied = wallet();
      await t.node.deny(denied.address);
      try {
        const response = await put("listings", signedListing(denied, 13), await signIn(t.api, denied));
        expect(response.statusCode).to.equal(403);
        expect(errorOf(response)).to.include({ code: "policy-refusal", reason: "denied-author", field: "author" });
      } finally {
        await t.node.allow(denied.address);
      }
    });

    it("404 for an unknown family", async function () {
      const response = await put("gossip", signedListing(seller, 14));
      expect(response.statusCode).to.equal(404);
      expect(errorOf(response)).to.include({ code: "unknown-family", field: "family" });
    });
  });

  describe("GET /v1/records/{family}/{id}", function () {
    it("answers a stored record; 404 for an unknown id or family", async function () {
      const { id } = (await put("listings", signedListing(seller, 20))).json<{ id: string }>();
      const found = await t.api.inject({ method: "GET", url: `/v1/records/listings/${id}` });
      expect(found.statusCode).to.equal(200);
      expect(found.json<Stored>()).to.include({ id, author: seller.address });
      const missing = await t.api.inject({ method: "GET", url: `/v1/records/listings/0x${"0".repeat(64)}` });
      expect(missing.statusCode).to.equal(404);
      expect(errorOf(missing)).to.include({ code: "not-found", field: "id" });
      const family = await t.api.inject({ method: "GET", url: `/v1/records/nope/${id}` });
      expect(errorOf(family).code).to.equal("unknown-family");
    });
  });

  describe("queries", function () {
    let buyer: TestWallet;

    before(async function () {
      const now = Date.now();
      const items = Array.from({ length: 12 }, (_, i) => ({
        type: "listing" as const,
        v: 1,
        createdAt: now + i,
        body: listingBody(100 + i, { title: `lamp ${100 + i}`, price: String(500 + i * 100) }),
      }));
      const batch: AuthorBatch = signBatch(NETWORK, "listings", seller.address, items, seller.key, { createdAt: now });
      expect((await put("listings", batch)).statusCode).to.equal(201);
      buyer = wallet();
      const buyerToken = await signIn(t.api, buyer);
      for (const [i, rating] of [5, 4, 2].entries()) {
        const body: ReviewV1 = {
          chainId: 31337,
          marketplace: `0x${"1".repeat(40)}`,
          orderId: String(i + 1),
          seller: seller.address,
          rating,
          text: `order ${i + 1}`,
        };
        const review = signRecord(NETWORK, buildRecord("review", buyer.address, body), buyer.key);
        // No order backs these: the API refuses them (422), so they go in as a peer's would, through
        // the store, to test the index's filters.
        const refused = await put("reviews", review, buyerToken);
        expect([refused.statusCode, errorOf(refused).code]).to.deep.equal([422, "review-not-backed"]);
        await t.ctx.node.family("reviews").put(review);
      }
    });

    const get = (url: string) => t.api.inject({ method: "GET", url });

    it("GET filters by value, list and range, with text, sort and paging", async function () {
      const books = await get("/v1/records/listings?filter.category=books&text=lamp&limit=100");
      expect(books.statusCode).to.equal(200);
      const items = books.json<{ items: Stored[] }>().items;
      expect(items.length).to.be.greaterThan(0);
      for (const item of items) expect(item.body).to.include({ category: "books" });

      const either = get("/v1/records/listings?filter.category=books&filter.category=home&text=lamp&limit=100");
      const categories = new Set((await either).json<{ items: Stored[] }>().items.map((r) => r.body.category));
      expect([...categories].sort()).to.deep.equal(["books", "home"]);

      const range = await get("/v1/records/listings?filter.price.gte=700&filter.price.lte=900&sort=price-asc");
      expect(range.json<{ items: Stored[] }>().items.map((r) => r.body.price)).to.deep.equal(["700", "800", "900"]);

      const first = (await get("/v1/records/listings?text=lamp&sort=newest&limit=5")).json<{
        items: Stored[];
        next: string;
      }>();
      expect(first.items).to.have.length(5);
      const second = await get(
        `/v1/records/listings?text=lamp&sort=newest&limit=5&cursor=${encodeURIComponent(first.next)}`,
      );
      const ids = second.json<{ items: Stored[] }>().items.map((r) => r.id);
      expect(ids).to.have.length(5);
      expect(ids).to.not.include.members(first.items.map((r) => r.id));
    });

    it("GET takes author, type and history, and numbers for integer filters", async function () {
      const bySeller = await get(`/v1/records/listings?author=${seller.address}&type=listing&history=true&limit=100`);
      expect(bySeller.statusCode).to.equal(200);
      for (const item of bySeller.json<{ items: Stored[] }>().items) expect(item.author).to.equal(seller.address);
      const good = await get("/v1/records/reviews?filter.rating.gte=4");
      expect(
        good
          .json<{ items: Stored[] }>()
          .items.map((r) => r.body.rating)
          .sort(),
      ).to.deep.equal([4, 5]);
      const exact = await get(`/v1/records/reviews?filter.rating=2&filter.seller=${seller.address}`);
      expect(exact.json<{ items: Stored[] }>().items.map((r) => r.body.rating)).to.deep.equal([2]);
    });

    it("GET answers 400 naming the parameter for unknown filters, bad values and bad cursors", async function () {
      const unknownFilter = await get("/v1/records/listings?filter.colour=red");
      expect(unknownFilter.statusCode).to.equal(400);
      expect(errorOf(unknownFilter)).to.include({ code: "invalid-query", field: "filters.colour" });
      expect(errorOf(await get("/v1/records/listings?filter.price.gte=cheap"))).to.include({
        field: "filters.price.gte",
      });
      expect(errorOf(await get("/v1/records/reviews?filter.rating=five")).field).to.match(/^filters\.rating/);
      expect(errorOf(await get("/v1/records/listings?colour=red"))).to.include({
        code: "bad-request",
        field: "query.colour",
      });
      expect(errorOf(await get("/v1/records/listings?limit=abc"))).to.include({
        code: "invalid-request",
        field: "query.limit",
      });
      expect(errorOf(await get("/v1/records/listings?limit=500")).field).to.equal("limit");
      expect(errorOf(await get("/v1/records/listings?cursor=forged")).field).to.equal("cursor");
      expect(errorOf(await get("/v1/records/listings?sort=a&sort=b")).field).to.equal("query.sort");
      expect(errorOf(await get("/v1/records/listings?filter.price=1&filter.price.gte=2")).field).to.equal(
        "query.filter.price.gte",
      );
      expect((await get("/v1/records/nope")).statusCode).to.equal(404);
    });

    it("POST /v1/records/{family}/query takes a JSON RecordQuery", async function () {
      const response = await t.api.inject({
        method: "POST",
        url: "/v1/records/listings/query",
        payload: { text: "lamp", filters: { price: { gte: "1000" }, category: ["music", "sports"] }, limit: 50 },
      });
      expect(response.statusCode).to.equal(200);
      const items = response.json<{ items: Stored[] }>().items;
      expect(items.length).to.be.greaterThan(0);
      for (const item of items) {
        expect(Number(item.body.price)).to.be.at.least(1000);
        expect(["music", "sports"]).to.include(item.body.category);
      }
      const bad = await t.api.inject({
        method: "POST",
        url: "/v1/records/reviews/query",
        payload: { filters: { rating: "x" } },
      });
      expect(bad.statusCode).to.equal(400);
      expect(errorOf(bad).field).to.match(/^filters\.rating/);
      const unknown = await t.api.inject({ method: "POST", url: "/v1/records/listings/query", payload: { colour: 1 } });
      expect(unknown.statusCode).to.equal(400);
    });
  });
});
