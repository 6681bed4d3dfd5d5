/**
 * A fuzz pass over a listening API: thousands of malformed requests (bad JSON, wrong types, huge
 * and deeply nested bodies, odd encodings and content types, invalid UTF-8, random paths, methods
 * and headers, garbage HTTP), each of which must get a 4xx JSON error, and the node must keep
 * serving afterwards. The generator is seeded (STOA_FUZZ_SEED) so that a failure can be replayed.
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { expect } from "chai";
import {
  BODY_LIMIT,
  httpRequests,
  JSON_TYPE,
  random,
  rawRequests,
  type FuzzRequest,
  type RawRequest,
} from "./fuzz-requests.ts";
import { bearer, signedListing, signIn, startApi, wallet, type TestApi, type TestWallet } from "./helpers.ts";

const REQUESTS = 6_000;
const CONCURRENCY = 32;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function sendHttp(base: URL, agent: Agent, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        agent,
        headers: { ...req.headers, ...(req.body ? { "content-length": String(req.body.length) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers["content-type"]),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    // The server may answer (413, 401) and close before the whole body is written.
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}

function sendRaw(base: URL, req: RawRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? "";
      if (!text) reject(new Error("the server closed without an answer"));
      else resolve({ status, contentType, body: rest.join("\r\n\r\n") });
    });
    socket.write(req.raw);
  });
}

describe("API: fuzz", function () {
  let t: TestApi;
  let base: URL;
  let token: string;
  let author: TestWallet;

  before(async function () {
    t = await startApi({
      settings: {
        "api.bodyLimitBytes": BODY_LIMIT,
        "api.rateLimitPerIp": 1_000_000,
        "api.rateLimitPerSession": 1_000_000,
      },
    });
    base = new URL(await t.api.listen({ host: "127.0.0.1", port: 0 }));
    author = wallet();
    token = await signIn(t.api, author);
  });
  after(() => t?.stop());

  it(`answers ${REQUESTS} malformed requests with 4xx JSON errors only, and keeps serving`, async function () {
    const seed = Number(process.env.STOA_FUZZ_SEED ?? 20_251_126);
    const r = random(seed);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const n = next++;
        const req = r.next() < 0.08 ? rawRequests(r) : httpRequests(r, token, author);
        kinds.set(req.kind, (kinds.get(req.kind) ?? 0) + 1);
        const label =
          "raw" in req
            ? `#${n} ${req.kind}: ${req.raw.toString("latin1").slice(0, 80)}`
            : `#${n} ${req.kind}: ${req.method} ${req.path.slice(0, 80)}`;
        let answer: Answer;
        try {
          answer = "raw" in req ? await sendRaw(base, req) : await sendHttp(base, agent, req);
        } catch (error) {
          // A server that closes after answering a refused upload is fine; one that says nothing is not.
          failures.push(`${label}: no answer (${(error as Error).message})`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        let error: unknown;
        try {
          error = (JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } }).error;
        } catch {
          error = undefined;
        }
        const ok =
          answer.status >= 400 &&
          answer.status < 500 &&
          answer.contentType.startsWith("application/json") &&
          typeof (error as { code?: unknown } | undefined)?.code === "string" &&
          !answer.body.includes("    at ");
        if (!ok) failures.push(`${label}: ${answer.status} ${answer.contentType} ${answer.body.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    console.log(`      seed ${seed}; by kind ${JSON.stringify(Object.fromEntries(kinds))}`);
    console.log(`      by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect(failures.slice(0, 20), `${failures.length} failures`).to.deep.equal([]);

    const health = await fetch(new URL("/v1/health", base));
    expect(health.status).to.equal(200);
    const write = await fetch(new URL("/v1/records/listings", base), {
      method: "POST",
      headers: { ...JSON_TYPE, ...bearer(token) },
      body: JSON.stringify(signedListing(author, 424242)),
    });
    expect(write.status).to.equal(201);
    const query = await fetch(new URL("/v1/records/listings?filter.category=books&limit=5", base));
    expect(query.status).to.equal(200);
  });
});
