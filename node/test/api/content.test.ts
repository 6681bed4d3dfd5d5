import { randomBytes } from "node:crypto";
import { CarBlockIterator } from "@ipld/car";
import * as dagPb from "@ipld/dag-pb";
import { expect } from "chai";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { ADMIN_TOKEN, bearer, errorOf, signedListing, signIn, startApi, wallet, type TestApi } from "./helpers.ts";

/** Blocks of a CAR, each checked against its CID's hash; throws on any mismatch. */
async function verifiedBlocks(car: Uint8Array): Promise<{ roots: CID[]; blocks: Map<string, Uint8Array> }> {
  const iterator = await CarBlockIterator.fromBytes(car);
  const blocks = new Map<string, Uint8Array>();
  for await (const { cid, bytes } of iterator) {
    expect(cid.multihash.code, `${cid.toString()} hash`).to.equal(sha256.code);
    const digest = await sha256.digest(bytes);
    expect(Buffer.from(digest.digest).equals(Buffer.from(cid.multihash.digest)), `${cid.toString()} verifies`).to.equal(
      true,
    );
    blocks.set(cid.toString(), bytes);
  }
  return { roots: await iterator.getRoots(), blocks };
}

/** The file bytes of a UnixFS DAG, from verified blocks only (as any IPFS client rebuilds it). */
function fileBytes(cid: CID, blocks: Map<string, Uint8Array>): Buffer {
  const bytes = blocks.get(cid.toString());
  if (!bytes) throw new Error(`the CAR lacks ${cid.toString()}`);
  if (cid.code === raw.code) return Buffer.from(bytes);
  const node = dagPb.decode(bytes);
  const data = node.Data ? UnixFS.unmarshal(node.Data) : undefined;
  const own = Buffer.from(data?.data ?? new Uint8Array());
  return Buffer.concat([own, ...node.Links.map((link) => fileBytes(link.Hash, blocks))]);
}

describe("API: content and the verifiable gateway", function () {
  let t: TestApi;
  let token: string;

  before(async function () {
    t = await startApi({ settings: { "content.maxBytes": 4 * 1024 * 1024 } });
    token = await signIn(t.api, wallet());
  });
  after(() => t?.stop());

  const upload = (bytes: Buffer, headers: Record<string, string> = {}) =>
    t.api.inject({
      method: "POST",
      url: "/v1/content",
      headers: { "content-type": "application/octet-stream", ...bearer(token), ...headers },
      payload: bytes,
    });

  describe("POST /v1/content", function () {
    it("adds the bytes and answers their CID and size (201)", async function () {
      const bytes = Buffer.from("hello, stoa");
      const response = await upload(bytes);
      expect(response.statusCode).to.equal(201);
      const { cid, size } = response.json<{ cid: string; size: number }>();
      expect(size).to.equal(bytes.length);
      expect(CID.parse(cid).version).to.equal(1);
      expect(await t.node.content.isPinned(cid)).to.equal(true);
    });

    it("takes the operator's admin token too; 401 without a session or with a wrong token", async function () {
      const post = (headers: Record<string, string>) =>
        t.api.inject({
          method: "POST",
          url: "/v1/content",
          headers: { "content-type": "application/octet-stream", ...headers },
          payload: Buffer.from("from the operator"),
        });
      expect((await post(bearer(ADMIN_TOKEN))).statusCode).to.equal(201);
      expect((await post({})).statusCode).to.equal(401);
      expect((await post(bearer("wrong"))).statusCode).to.equal(401);
    });

    it("413 above content.maxBytes, declared or streamed", async function () {
      const big = randomBytes(4 * 1024 * 1024 + 1);
      const declared = await upload(big);
      expect(declared.statusCode).to.equal(413);
      expect(errorOf(declared).code).to.equal("content-too-large");
      const streamed = await upload(big, { "transfer-encoding": "chunked", "content-length": "" });
      expect(streamed.statusCode).to.equal(413);
    });

    it("415 for another content type, 400 for an empty body", async function () {
      const json = await t.api.inject({
        method: "POST",
        url: "/v1/content",
        headers: bearer(token),
        payload: { a: 1 },
      });
      expect(json.statusCode).to.equal(415);
      expect(errorOf(json).code).to.equal("unsupported-media-type");
      const empty = await t.api.inject({ method: "POST", url: "/v1/content", headers: bearer(token) });
      expect(empty.statusCode).to.equal(400);
    });
  });

  describe("GET /v1/content/{cid}", function () {
    it("serves the bytes with their length, as untrusted bytes", async function () {
      const bytes = randomBytes(600_000);
      const { cid } = (await upload(bytes)).json<{ cid: string }>();
      const response = await t.api.inject({ method: "GET", url: `/v1/content/${cid}` });
      expect(response.statusCode).to.equal(200);
      expect(response.headers["content-length"]).to.equal(String(bytes.length));
      expect(response.headers["content-type"]).to.equal("application/octet-stream");
      expect(response.headers["x-content-type-options"]).to.equal("nosniff");
      expect(response.rawPayload.equals(bytes)).to.equal(true);
    });

    it("400 for a CID that is not a UnixFS file (an OrbitDB entry), which the gateway still serves", async function () {
      const author = wallet();
      const listing = signedListing(author, 1);
      const { entry } = (
        await t.api.inject({
          method: "POST",
          url: "/v1/records/listings",
          headers: bearer(await signIn(t.api, author)),
          payload: listing,
        })
      ).json<{ entry: string }>();
      const response = await t.api.inject({ method: "GET", url: `/v1/content/${entry}` });
      expect(response.statusCode).to.equal(400);
      expect(errorOf(response).code).to.equal("not-a-file");
      const car = await t.api.inject({ method: "GET", url: `/ipfs/${entry}?format=car` });
      const { roots, blocks } = await verifiedBlocks(car.rawPayload);
      expect(roots.map(String)).to.deep.equal([CID.parse(entry).toString()]);
      expect(blocks.size).to.equal(1);
    });

    it("400 for what is not a CID, 404 for content the node lacks and cannot ask for", async function () {
      const bad = await t.api.inject({ method: "GET", url: "/v1/content/not-a-cid" });
      expect(bad.statusCode).to.equal(400);
      expect(errorOf(bad).field).to.equal("cid");
      const absent = CID.createV1(raw.code, await sha256.digest(Buffer.from("never added")));
      const missing = await t.api.inject({ method: "GET", url: `/v1/content/${absent.toString()}` });
      expect(missing.statusCode).to.equal(404);
    });
  });

  describe("GET /ipfs/{cid}", function () {
    let cid: string;
    let bytes: Buffer;

    before(async function () {
      bytes = randomBytes(3_500_000); // four 1 MiB chunks (Helia's default) under a dag-pb root
      cid = (await upload(bytes)).json<{ cid: string }>().cid;
    });

    it("answers a CARv1 of the whole DAG that verifies block by block and rebuilds the file", async function () {
      for (const request of [
        { url: `/ipfs/${cid}?format=car` },
        { url: `/ipfs/${cid}`, headers: { accept: "application/vnd.ipld.car" } },
      ]) {
        const response = await t.api.inject({ method: "GET", ...request });
        expect(response.statusCode).to.equal(200);
        expect(response.headers["content-type"]).to.match(/^application\/vnd\.ipld\.car; version=1/);
        const { roots, blocks } = await verifiedBlocks(response.rawPayload);
        expect(roots.map(String)).to.deep.equal([cid]);
        expect(blocks.size).to.equal(5);
        expect(fileBytes(CID.parse(cid), blocks).equals(bytes)).to.equal(true);
      }
    });

    it("answers the raw block, whose hash is its CID", async function () {
      const response = await t.api.inject({
        method: "GET",
        url: `/ipfs/${cid}`,
        headers: { accept: "application/vnd.ipld.raw" },
      });
      expect(response.statusCode).to.equal(200);
      expect(response.headers["content-type"]).to.equal("application/vnd.ipld.raw");
      const digest = await sha256.digest(response.rawPayload);
      expect(Buffer.from(digest.digest).equals(Buffer.from(CID.parse(cid).multihash.digest))).to.equal(true);
      const link = dagPb.decode(response.rawPayload).Links[0]!.Hash;
      const leaf = await t.api.inject({ method: "GET", url: `/ipfs/${link.toString()}?format=raw` });
      expect(leaf.rawPayload.equals(bytes.subarray(0, leaf.rawPayload.length))).to.equal(true);
    });

    it("406 without a verifiable format, 400 for a bad CID or format, 404 for an absent block", async function () {
      const plain = await t.api.inject({ method: "GET", url: `/ipfs/${cid}` });
      expect(plain.statusCode).to.equal(406);
      expect(errorOf(plain).code).to.equal("not-acceptable");
      expect((await t.api.inject({ method: "GET", url: "/ipfs/zzz?format=raw" })).statusCode).to.equal(400);
      expect((await t.api.inject({ method: "GET", url: `/ipfs/${cid}?format=tar` })).statusCode).to.equal(400);
      const absent = CID.createV1(raw.code, await sha256.digest(Buffer.from("absent")));
      expect((await t.api.inject({ method: "GET", url: `/ipfs/${absent.toString()}?format=car` })).statusCode).to.equal(
        404,
      );
    });

    it("403 for a DAG larger than the node serves", async function () {
      // Blocks put straight into the blockstore: three 1,000-byte leaves under a dag-pb root.
      const small = await startApi({ settings: { "content.maxBytes": 2048 } });
      try {
        const links = [];
        for (let i = 0; i < 3; i++) {
          const leaf = randomBytes(1000);
          const leafCid = CID.createV1(raw.code, await sha256.digest(leaf));
          await small.node.helia.blockstore.put(leafCid, leaf);
          links.push({ Hash: leafCid, Tsize: leaf.length });
        }
        const root = dagPb.encode({ Links: links });
        const rootCid = CID.createV1(dagPb.code, await sha256.digest(root));
        await small.node.helia.blockstore.put(rootCid, root);
        const refused = await small.api.inject({ method: "GET", url: `/ipfs/${rootCid.toString()}?format=car` });
        expect(refused.statusCode).to.equal(403);
        expect(errorOf(refused).code).to.equal("content-too-large");
        const leaf = await small.api.inject({ method: "GET", url: `/ipfs/${links[0]!.Hash.toString()}?format=car` });
        expect(leaf.statusCode).to.equal(200);
      } finally {
        await small.stop();
      }
    });
  });
});
