import { connect } from "node:net";
import { expect } from "chai";
import { bearer, errorOf, signIn, startApi, wallet, type TestApi } from "./helpers.ts";

/** Sends raw bytes over TCP and returns everything the server answers before it closes. */
export function rawRequest(base: string, bytes: string | Buffer, timeoutMs = 5_000): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    }, timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(bytes);
  });
}

/** Status and JSON body of a raw HTTP answer. */
export function parseAnswer(text: string): { status: number; headers: string; body: string } {
  const [head = "", ...rest] = text.split("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? NaN);
  return { status, headers: head.toLowerCase(), body: rest.join("\r\n\r\n") };
}

describe("API: HTTP errors, limits and CORS", function () {
  let t: TestApi;
  let base: string;

  before(async function () {
    t = await startApi({ settings: { "api.bodyLimitBytes": 2048, "api.corsOrigins": ["https://app.example"] } });
    base = await t.api.listen({ host: "127.0.0.1", port: 0 });
  });
  after(() => t?.stop());

  const post = (url: string, payload: string | Buffer, contentType = "application/json", headers = {}) =>
    t.api.inject({ method: "POST", url, payload, headers: { "content-type": contentType, ...headers } });

  describe("Fastify's own refusals, as JSON", function () {
    it("400 for malformed JSON, an empty JSON body, JSON nested too deep, a poisoned prototype", async function () {
      const cases: [string, string][] = [
        ['{"text": ', "bad-json"],
        ["", "bad-json"],
        [`${"[".repeat(100)}${"]".repeat(100)}`, "bad-request"],
        [`{"filters": ${'{"a":'.repeat(40)}1${"}".repeat(40)}}`, "bad-request"],
        ['{"__proto__": {"admin": true}}', "bad-json"],
      ];
      for (const [body, code] of cases) {
        const response = await post("/v1/records/listings/query", body);
        expect(response.statusCode, body.slice(0, 40)).to.equal(400);
        expect(errorOf(response).code, body.slice(0, 40)).to.equal(code);
      }
    });

    it("415 for a content type the route does not take", async function () {
      const response = await post("/v1/records/listings/query", "text=lamp", "text/plain");
      expect(response.statusCode).to.equal(415);
      expect(errorOf(response).code).to.equal("unsupported-media-type");
    });

    it("413 above api.bodyLimitBytes", async function () {
      const response = await post("/v1/records/listings/query", JSON.stringify({ text: "x".repeat(4096) }));
      expect(response.statusCode).to.equal(413);
      expect(errorOf(response).code).to.equal("body-too-large");
    });

    it("404 for an unknown route, 405 with Allow for a known path and another method", async function () {
      const missing = await t.api.inject({ method: "GET", url: "/v2/nothing" });
      expect(missing.statusCode).to.equal(404);
      expect(errorOf(missing).code).to.equal("not-found");
      for (const [method, url, allow] of [
        ["DELETE", "/v1/node", "GET, HEAD"],
        ["GET", "/v1/auth/nonce", "POST"],
        ["PUT", "/v1/records/listings", "GET, HEAD, POST"],
      ] as const) {
        const response = await t.api.inject({ method, url });
        expect(response.statusCode, `${method} ${url}`).to.equal(405);
        expect(errorOf(response).code).to.equal("method-not-allowed");
        expect(response.headers.allow).to.equal(allow);
      }
    });

    it("400 for a URL that does not decode, 431 for huge headers, 400 for a malformed request, as JSON", async function () {
      const badUrl = parseAnswer(
        await rawRequest(base, "GET /v1/records/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      );
      expect(badUrl.status).to.equal(400);
      expect(JSON.parse(badUrl.body)).to.have.nested.property("error.code", "bad-url");
      const huge = parseAnswer(
        await rawRequest(base, `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
      );
      expect(huge.status).to.equal(431);
      expect(JSON.parse(huge.body)).to.have.nested.property("error.code", "headers-too-large");
      const garbage = parseAnswer(await rawRequest(base, "HELLO\r\n\r\n"));
      expect(garbage.status).to.equal(400);
      expect(JSON.parse(garbage.body)).to.have.nested.property("error.code", "bad-request");
      expect((await fetch(`${base}/v1/health`)).status).to.equal(200);
    });

    it("500 for an unexpected failure, with a message that gives nothing away", async function () {
      const { chain } = t.ctx;
      t.ctx.chain = Object.create(chain, {
        indexer: { get: () => ({ orders: () => Promise.reject(new TypeError("secret internal detail")) }) },
      }) as typeof chain;
      try {
        const response = await t.api.inject({ method: "GET", url: "/v1/chain/orders" });
        expect(response.statusCode).to.equal(500);
        expect(errorOf(response)).to.deep.equal({ code: "internal", message: "internal error" });
      } finally {
        t.ctx.chain = chain;
      }
    });
  });

  describe("uploads over a real socket", function () {
    it("refuses a chunked upload past content.maxBytes with 413, and keeps serving", async function () {
      const small = await startApi({ settings: { "content.maxBytes": 100_000 } });
      try {
        const url = await small.api.listen({ host: "127.0.0.1", port: 0 });
        const token = await signIn(small.api, wallet());
        const chunks = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(10_000).fill(i));
            controller.close();
          },
        });
        const response = await fetch(`${url}/v1/content`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream", ...bearer(token) },
          body: chunks,
          duplex: "half",
        } as RequestInit);
        expect(response.status).to.equal(413);
        expect(((await response.json()) as { error: { code: string } }).error.code).to.equal("content-too-large");
        const ok = await fetch(`${url}/v1/content`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream", ...bearer(token) },
          body: new Uint8Array(50_000),
        });
        expect(ok.status).to.equal(201);
      } finally {
        await small.stop();
      }
    });
  });

  describe("CORS", function () {
    it("allows the node's own origin and api.corsOrigins, and no other", async function () {
      for (const origin of ["http://127.0.0.1:8080", "https://app.example"]) {
        const preflight = await t.api.inject({
          method: "OPTIONS",
          url: "/v1/records/listings",
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization",
          },
        });
        expect(preflight.statusCode, origin).to.equal(204);
        expect(preflight.headers["access-control-allow-origin"]).to.equal(origin);
        expect(String(preflight.headers["access-control-allow-headers"])).to.contain("authorization");
      }
      const other = await t.api.inject({
        method: "GET",
        url: "/v1/health",
        headers: { origin: "https://evil.example" },
      });
      expect(other.headers["access-control-allow-origin"]).to.equal(undefined);
    });
  });

  describe("rate limits", function () {
    it("429 past api.rateLimitPerIp requests a minute, with Retry-After", async function () {
      const limited = await startApi({ settings: { "api.rateLimitPerIp": 5 } });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 6; i++)
          codes.push((await limited.api.inject({ method: "GET", url: "/v1/health" })).statusCode);
        expect(codes).to.deep.equal([200, 200, 200, 200, 200, 429]);
        const response = await limited.api.inject({ method: "GET", url: "/v2/unknown" });
        expect(response.statusCode).to.equal(429);
        expect(errorOf(response).code).to.equal("rate-limited");
        expect(Number(response.headers["retry-after"])).to.be.greaterThan(0);
      } finally {
        await limited.stop();
      }
    });

    it("429 past api.rateLimitPerSession requests a minute for one account, others unaffected", async function () {
      const limited = await startApi({ settings: { "api.rateLimitPerSession": 3 } });
      try {
        const who = wallet();
        const token = await signIn(limited.api, who);
        const again = await signIn(limited.api, who);
        const session = (auth: string) =>
          limited.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(auth) });
        const codes = [];
        for (let i = 0; i < 3; i++) codes.push((await session(token)).statusCode);
        expect(codes).to.deep.equal([200, 200, 200]);
        const refused = await session(again);
        expect(refused.statusCode).to.equal(429);
        expect(errorOf(refused).code).to.equal("rate-limited");
        expect((await session(await signIn(limited.api, wallet()))).statusCode).to.equal(200);
        expect((await limited.api.inject({ method: "GET", url: "/v1/health" })).statusCode).to.equal(200);
      } finally {
        await limited.stop();
      }
    });
  });
});
