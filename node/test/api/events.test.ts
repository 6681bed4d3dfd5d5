import { buildRecord, signRecord } from "@stoa/protocol";
import { expect } from "chai";
import {
  bearer,
  createEthOrder,
  NETWORK,
  signedListing,
  signIn,
  startApi,
  wallet,
  type TestApi,
  type TestWallet,
} from "./helpers.ts";

interface Frame {
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads Server-Sent Events frames from a fetch response. */
class EventReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  ended = false;

  constructor(response: Response) {
    this.#reader = response.body!.getReader();
  }

  /** The next frame that satisfies `wanted`, within `timeoutMs`. */
  async next(wanted: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const frame = parse(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 2);
        if (wanted(frame)) return frame;
        continue;
      }
      if (Date.now() > deadline) throw new Error("no such event in time");
      const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), deadline - Date.now()));
      const chunk = await Promise.race([this.#reader.read(), timer]);
      if (chunk === "timeout") continue;
      if (chunk.done) {
        this.ended = true;
        throw new Error("the stream ended");
      }
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.#reader.cancel();
  }

  /** Resolves true once the server ends the stream. */
  async ends(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const chunk = await this.#reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return true;
    }
    return false;
  }
}

function parse(text: string): Frame {
  const frame: Frame = {};
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) frame.comment = line.slice(1).trim();
    else if (line.startsWith("event: ")) frame.event = line.slice(7);
    else if (line.startsWith("data: ")) frame.data = (frame.data ?? "") + line.slice(6);
  }
  return frame;
}

const recordsOf = (frame: Frame) => JSON.parse(frame.data!) as { family: string; records: { id: string }[] };

describe("API: live events (Server-Sent Events)", function () {
  let t: TestApi;
  let base: string;
  let author: TestWallet;
  let token: string;

  before(async function () {
    t = await startApi({ events: { heartbeatMs: 100 } });
    base = await t.api.listen({ host: "127.0.0.1", port: 0 });
    author = wallet();
    token = await signIn(t.api, author);
  });
  after(() => t?.stop());

  const open = async (query = "") => {
    const response = await fetch(`${base}/v1/events${query}`, { headers: { origin: "http://127.0.0.1:8080" } });
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/event-stream/);
    return { response, events: new EventReader(response) };
  };

  const put = (family: string, envelope: object) =>
    t.api.inject({ method: "POST", url: `/v1/records/${family}`, headers: bearer(token), payload: envelope });

  it("streams new records of every family, with heartbeats and CORS headers", async function () {
    const { response, events } = await open();
    expect(response.headers.get("access-control-allow-origin")).to.equal("http://127.0.0.1:8080");
    await events.next((f) => f.comment === "heartbeat");
    const { id } = (await put("listings", signedListing(author, 1))).json<{ id: string }>();
    const frame = await events.next((f) => f.event === "records");
    expect(recordsOf(frame)).to.deep.include({ family: "listings" });
    expect(recordsOf(frame).records.map((r) => r.id)).to.deep.equal([id]);
    await events.close();
  });

  it("streams one family only with ?family=", async function () {
    const { events } = await open("?family=profiles&chain=false");
    await put("listings", signedListing(author, 2));
    const profile = signRecord(NETWORK, buildRecord("profile", author.address, { name: "Ada" }), author.key);
    const { id } = (await put("profiles", profile)).json<{ id: string }>();
    const frame = await events.next((f) => f.event === "records");
    expect(recordsOf(frame).family).to.equal("profiles");
    expect(recordsOf(frame).records[0]!.id).to.equal(id);
    await events.close();
  });

  it("streams indexed chain events", async function () {
    const { events } = await open();
    const order = await createEthOrder(t.ctx.chain, `api-events-test-${Date.now()}`);
    const frame = await events.next(
      (f) => f.event === "chain" && (JSON.parse(f.data!) as { kind: string }).kind === "OrderCreated",
    );
    expect(JSON.parse(frame.data!)).to.include({
      kind: "OrderCreated",
      orderId: order.orderId,
      contract: "marketplace",
    });
    await events.close();
  });

  it("404 for an unknown family, 503 past the stream limit", async function () {
    const unknown = await fetch(`${base}/v1/events?family=gossip`);
    expect(unknown.status).to.equal(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal("unknown-family");
    const own = await startApi({ events: { maxClients: 2 } });
    try {
      const url = await own.api.listen({ host: "127.0.0.1", port: 0 });
      const streams = await Promise.all([fetch(`${url}/v1/events`), fetch(`${url}/v1/events`)]);
      expect(streams.map((r) => r.status)).to.deep.equal([200, 200]);
      const refused = await fetch(`${url}/v1/events`);
      expect(refused.status).to.equal(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal("too-many-streams");
      for (const stream of streams) await stream.body!.cancel();
    } finally {
      await own.stop();
    }
  });

  it("ends every stream when the API closes, and closes promptly", async function () {
    const own = await startApi({ events: { heartbeatMs: 100 } });
    const url = await own.api.listen({ host: "127.0.0.1", port: 0 });
    const response = await fetch(`${url}/v1/events`);
    const events = new EventReader(response);
    await events.next((f) => f.comment === "connected");
    const started = Date.now();
    await own.stop();
    expect(Date.now() - started).to.be.below(5_000);
    expect(await events.ends()).to.equal(true);
  });
});
