import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tcp } from "@libp2p/tcp";
import { loopbackOnlyGater, StoaNode } from "@stoa/core";
import { nodeStorage } from "@stoa/core/node";
import { expect } from "chai";
import { DOCS_DIR, renderDocs } from "../../scripts/openapi.ts";
import {
  ADMIN_TOKEN,
  bearer,
  errorOf,
  NETWORK,
  signedListing,
  signIn,
  startApi,
  tempDir,
  wallet,
  type TestApi,
} from "./helpers.ts";

describe("API: the node, its peers, health and metrics", function () {
  let t: TestApi;
  let other: StoaNode;

  before(async function () {
    t = await startApi();
    other = new StoaNode({
      network: NETWORK,
      ...nodeStorage(join(tempDir(), "node")),
      transports: [tcp()],
      listen: ["/ip4/127.0.0.1/tcp/0"],
      connectionGater: loopbackOnlyGater,
    });
    await other.start();
    const seller = wallet();
    const token = await signIn(t.api, seller);
    for (const i of [1, 2]) {
      await t.api.inject({
        method: "POST",
        url: "/v1/records/listings",
        headers: bearer(token),
        payload: signedListing(seller, i),
      });
    }
  });
  after(async () => {
    await t?.stop();
    await other?.stop();
  });

  describe("GET /v1/node", function () {
    it("describes the node: identity, addresses, families with counts, refusals, storage", async function () {
      const response = await t.api.inject({ method: "GET", url: "/v1/node" });
      expect(response.statusCode).to.equal(200);
      const node = response.json<{
        peerId: string;
        network: string;
        version: string;
        multiaddrs: string[];
        uptimeMs: number;
        peers: number;
        families: Record<string, { records: number; address: string }>;
        refusals: Record<string, number>;
        storage: Record<string, number>;
      }>();
      expect(node.peerId).to.equal(t.node.peerId.toString());
      expect(node.network).to.equal(NETWORK);
      expect(node.version).to.match(/^\d+\.\d+\.\d+/);
      expect(node.multiaddrs[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
      expect(node.uptimeMs).to.be.at.least(0);
      expect(Object.keys(node.families).sort()).to.deep.equal([
        "delegations",
        "listings",
        "orderNotes",
        "polls",
        "profiles",
        "reviews",
      ]);
      expect(node.families.listings!.records).to.equal(2);
      expect(node.families.listings!.address).to.match(/^\/orbitdb\//);
      expect(node.refusals).to.be.an("object");
      expect(node.storage.blocks).to.be.greaterThan(0);
      expect(Object.keys(node.storage)).to.include.members(["blocks", "orbitdb", "index", "chain"]);
    });
  });

  describe("peers", function () {
    it("POST /v1/peers connects with the admin token; GET /v1/peers lists the peer", async function () {
      const address = other.multiaddrs[0]!.toString();
      const response = await t.api.inject({
        method: "POST",
        url: "/v1/peers",
        headers: bearer(ADMIN_TOKEN),
        payload: { address },
      });
      expect(response.statusCode).to.equal(200);
      expect(response.json()).to.include({ peerId: other.peerId.toString(), direction: "outbound" });
      const peers = (await t.api.inject({ method: "GET", url: "/v1/peers" })).json<{ peers: { peerId: string }[] }>();
      expect(peers.peers.map((p) => p.peerId)).to.include(other.peerId.toString());
      const node = (await t.api.inject({ method: "GET", url: "/v1/node" })).json<{ peers: number }>();
      expect(node.peers).to.be.at.least(1);
    });

    it("401 without a token, 403 with a wrong token or a session token", async function () {
      const payload = { address: other.multiaddrs[0]!.toString() };
      const none = await t.api.inject({ method: "POST", url: "/v1/peers", payload });
      expect(none.statusCode).to.equal(401);
      const wrong = await t.api.inject({ method: "POST", url: "/v1/peers", headers: bearer("wrong"), payload });
      expect(wrong.statusCode).to.equal(403);
      const session = await signIn(t.api, wallet());
      expect(
        (await t.api.inject({ method: "POST", url: "/v1/peers", headers: bearer(session), payload })).statusCode,
      ).to.equal(403);
    });

    it("400 for what is not a multiaddr, 502 when the dial fails", async function () {
      const bad = await t.api.inject({
        method: "POST",
        url: "/v1/peers",
        headers: bearer(ADMIN_TOKEN),
        payload: { address: "nowhere" },
      });
      expect(bad.statusCode).to.equal(400);
      expect(errorOf(bad).field).to.equal("address");
      const closed = await t.api.inject({
        method: "POST",
        url: "/v1/peers",
        headers: bearer(ADMIN_TOKEN),
        payload: { address: "/ip4/127.0.0.1/tcp/1" },
      });
      expect(closed.statusCode).to.equal(502);
      expect(errorOf(closed).code).to.equal("dial-failed");
      const outside = await t.api.inject({
        method: "POST",
        url: "/v1/peers",
        headers: bearer(ADMIN_TOKEN),
        payload: { address: "/ip4/192.0.2.1/tcp/4001" },
      });
      expect(outside.statusCode).to.equal(502);
    });
  });

  describe("health", function () {
    it("GET /v1/health is 200 while the process answers", async function () {
      const response = await t.api.inject({ method: "GET", url: "/v1/health" });
      expect(response.statusCode).to.equal(200);
      expect(response.json()).to.deep.equal({ status: "ok" });
    });

    it("GET /v1/ready is 200 once the node runs and the indexer is synced, 503 otherwise", async function () {
      await t.ctx.chain.indexer.waitFor((await t.ctx.chain.head()).number);
      const ready = await t.api.inject({ method: "GET", url: "/v1/ready" });
      expect(ready.statusCode).to.equal(200);
      expect(ready.json()).to.deep.equal({ ready: true, node: true, chain: true });

      const stopped = await startApi();
      await stopped.node.stop();
      try {
        const response = await stopped.api.inject({ method: "GET", url: "/v1/ready" });
        expect(response.statusCode).to.equal(503);
        expect(response.json()).to.include({ ready: false, node: false });
        const node = await stopped.api.inject({ method: "GET", url: "/v1/node" });
        expect(node.statusCode).to.equal(503);
        expect(errorOf(node).code).to.equal("not-ready");
      } finally {
        await stopped.stop();
      }
    });
  });

  describe("GET /metrics", function () {
    it("exposes process, libp2p, HTTP and Stoa metrics in Prometheus' text format", async function () {
      const response = await t.api.inject({ method: "GET", url: "/metrics" });
      expect(response.statusCode).to.equal(200);
      expect(response.headers["content-type"]).to.match(/^text\/plain/);
      const text = response.body;
      expect(text).to.contain("process_cpu_user_seconds_total");
      expect(text).to.match(/stoa_http_requests_total\{method="GET",route="\/v1\/node",status="200"\} \d+/);
      expect(text).to.match(
        /stoa_http_request_duration_seconds_bucket\{le="0\.1",method="POST",route="\/v1\/records\/:family"/,
      );
      expect(text).to.contain('stoa_records{family="listings"} 2');
      expect(text).to.match(/stoa_peers \d+/);
      expect(text).to.match(/stoa_libp2p_connections\{direction="outbound"\} \d+/);
      expect(text).to.match(/stoa_guard_messages_total\{family="listings",outcome="accepted"\} \d+/);
      expect(text).to.match(/stoa_api_sessions \d+/);
      expect(text).to.match(/stoa_chain_indexed_block \d+/);
      expect(text).to.match(/stoa_unhandled_rejections_total \d+/);
      // libp2p's own metrics (@libp2p/prometheus-metrics), in the same registry.
      expect(text).to.match(/^libp2p_\w+/m);
    });
  });

  describe("GET /v1/openapi.json", function () {
    it("is an OpenAPI 3.1 document of every route, with the protocol's envelope shapes", async function () {
      const response = await t.api.inject({ method: "GET", url: "/v1/openapi.json" });
      expect(response.statusCode).to.equal(200);
      const document = response.json<{
        openapi: string;
        paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
        components: { schemas: Record<string, { anyOf?: { properties?: Record<string, unknown> }[] }> };
      }>();
      expect(document.openapi).to.equal("3.1.0");
      expect(Object.keys(document.paths)).to.include.members([
        "/v1/auth/nonce",
        "/v1/auth/verify",
        "/v1/records/{family}",
        "/v1/records/{family}/{id}",
        "/v1/records/{family}/query",
        "/v1/content",
        "/v1/content/{cid}",
        "/ipfs/{cid}",
        "/v1/node",
        "/v1/peers",
        "/v1/chain",
        "/v1/chain/orders",
        "/v1/events",
        "/v1/health",
        "/v1/ready",
        "/metrics",
      ]);
      expect(document.paths["/v1/openapi.json"]).to.equal(undefined);
      expect(document.paths["/v1/records/{family}"]!.post!.security).to.deep.equal([{ session: [] }]);
      const envelope = document.components.schemas.Envelope!;
      expect(envelope.anyOf).to.have.length(2);
      expect(Object.keys(envelope.anyOf![0]!.properties!)).to.include.members([
        "type",
        "v",
        "author",
        "createdAt",
        "body",
        "sig",
      ]);
    });

    it("matches the committed reference in docs/api (else run `npm run docs:api`)", async function () {
      for (const [name, text] of Object.entries(await renderDocs())) {
        expect(readFileSync(join(DOCS_DIR, name), "utf8") === text, `docs/api/${name} is stale`).to.equal(true);
      }
    });
  });
});
