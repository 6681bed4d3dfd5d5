/**
 * The fuzz pass's malformed requests, drawn from a seeded generator: HTTP requests (bad JSON,
 * wrong types, broken envelopes, huge and deeply nested bodies, odd content types and encodings,
 * random paths, methods and headers, bad queries) and raw bytes that are not quite HTTP.
 */
import { bearer, signedListing, type TestWallet } from "./helpers.ts";

/** The body limit the fuzzed API runs with (huge bodies go past it). */
export const BODY_LIMIT = 16 * 1024;

/** mulberry32: small, fast, seeded. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join("");
  return { next, int, pick, bytes, text };
}

export type Random = ReturnType<typeof random>;

export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawRequest {
  kind: string;
  raw: Buffer;
}

const JSON_ROUTES = ["/v1/records/listings/query", "/v1/records/reviews/query", "/v1/auth/verify", "/v1/peers"];
const WRITE_ROUTES = ["/v1/records/listings", "/v1/records/profiles", "/v1/records/reviews"];
export const JSON_TYPE = { "content-type": "application/json" };

function badJson(r: Random): Buffer {
  const valid = JSON.stringify({ text: "lamp", filters: { category: "books" }, limit: 5 });
  return r.pick([
    () => Buffer.from(valid.slice(0, 1 + r.int(valid.length - 2))),
    () => Buffer.from(`{${r.text(r.int(50))}`),
    () => r.bytes(1 + r.int(200)),
    () => Buffer.from("{'single': 'quotes'}"),
    () => Buffer.from('{"a": NaN, "b": undefined}'),
    () => Buffer.from('{"a": 1,}'),
    () => Buffer.concat([Buffer.from('{"text": "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"')]),
    () => Buffer.from(`{"__proto__": {"polluted": ${r.int(9)}}}`),
    () => Buffer.from(`{"constructor": {"prototype": {"x": 1}}}`),
  ])();
}

function wrongTypes(r: Random): unknown {
  const junk = () => r.pick<unknown>([null, true, -1, 1e308, "", r.text(20), [], [r.text(3)], { x: [{}] }]);
  return r.pick([
    () => junk(),
    () => ({ text: junk(), limit: r.pick([0, -5, 1.5, "20", 1e9]) }),
    () => ({ filters: r.pick([[], "books", { category: { gte: [1] } }, { price: { lt: "1" } }, { nope: 1 }]) }),
    () => ({ sort: junk(), history: r.pick(["yes", 1, null]) }),
    () => ({ cursor: r.text(r.int(300)) }),
    () => ({ message: junk(), signature: junk() }),
    () => ({ address: junk() }),
    () => ({ [r.text(8)]: junk() }),
  ])();
}

function nested(r: Random): Buffer {
  const depth = 33 + r.int(5_000);
  return r.next() < 0.5
    ? Buffer.from(`${"[".repeat(depth)}${"]".repeat(depth)}`)
    : Buffer.from(`{"filters":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`);
}

/** An envelope that verifyEnvelope must refuse: a valid record with one field broken. */
function brokenEnvelope(r: Random, author: TestWallet): unknown {
  const record = signedListing(author, r.int(1000)) as unknown as Record<string, unknown>;
  const field = r.pick(["type", "v", "author", "createdAt", "body", "sig", "delegation", "extra"]);
  const value = r.pick<unknown>([null, -1, "x", r.text(70), [], {}, 2 ** 60, `0x${"f".repeat(130)}`]);
  if (field === "body") {
    return {
      ...record,
      body: { ...(record.body as object), [r.pick(["price", "title", "images", "quantity"])]: value },
    };
  }
  return { ...record, [field]: value };
}

function randomPath(r: Random): string {
  const segment = () =>
    r.pick([
      () => r.text(1 + r.int(12)).replace(/[?#/ ]/g, "_"),
      () => encodeURIComponent(r.bytes(1 + r.int(8)).toString("latin1")),
      () => "%" + r.pick(["", "Z", "E0%A4%A", "FF", "00", "C0%AF"]),
      () => "..",
      () => encodeURIComponent("é✓😀"),
    ])();
  const prefix = r.pick(["/v1", "/v2", "/ipfs", "", "/v1/records", "/v1/chain/orders", "/v1/content", "/metrics"]);
  return `${prefix}/${Array.from({ length: 1 + r.int(4) }, segment).join("/")}`.replace(/\/+/g, "/");
}

export function httpRequests(r: Random, token: string, author: TestWallet): FuzzRequest {
  const kinds: (() => FuzzRequest)[] = [
    () => ({ kind: "bad JSON", method: "POST", path: r.pick(JSON_ROUTES), headers: JSON_TYPE, body: badJson(r) }),
    () => ({
      kind: "wrong types",
      method: "POST",
      path: r.pick(JSON_ROUTES),
      headers: JSON_TYPE,
      body: Buffer.from(JSON.stringify(wrongTypes(r))),
    }),
    () => ({
      kind: "broken envelope",
      method: "POST",
      path: r.pick(WRITE_ROUTES),
      headers: { ...JSON_TYPE, ...(r.next() < 0.8 ? bearer(token) : {}) },
      body: Buffer.from(JSON.stringify(brokenEnvelope(r, author))),
    }),
    () => ({
      kind: "huge body",
      method: "POST",
      path: r.pick([...JSON_ROUTES, ...WRITE_ROUTES]),
      headers: { ...JSON_TYPE, ...bearer(token) },
      body: Buffer.from(JSON.stringify({ text: "x".repeat(BODY_LIMIT + r.int(BODY_LIMIT)) })),
    }),
    () => ({ kind: "deep JSON", method: "POST", path: r.pick(JSON_ROUTES), headers: JSON_TYPE, body: nested(r) }),
    () => ({
      kind: "odd content type",
      method: "POST",
      path: r.pick([...JSON_ROUTES, ...WRITE_ROUTES]),
      headers: {
        "content-type": r.pick([
          "text/plain",
          "application/xml",
          "multipart/form-data; boundary=x",
          "application/x-www-form-urlencoded",
          "image/png",
          "application/octet-stream",
        ]),
        ...bearer(token),
      },
      body: r.bytes(1 + r.int(100)),
    }),
    () => ({
      kind: "odd encoding",
      method: "POST",
      path: r.pick(JSON_ROUTES),
      headers: { ...JSON_TYPE, "content-encoding": r.pick(["gzip", "br", "deflate", "identity"]) },
      body: Buffer.concat([Buffer.from([0x1f, 0x8b]), r.bytes(20)]),
    }),
    () => ({
      kind: "random path",
      method: r.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "PROPFIND"]),
      path: randomPath(r),
      headers: {},
    }),
    () => ({
      kind: "bad query",
      method: "GET",
      path: r.pick([
        `/v1/records/listings?filter.${r.pick(["colour", "price.gt", "a.b.c", "1x"])}=${r.int(9)}`,
        `/v1/records/listings?limit=${r.pick(["-1", "0", "abc", "1e3", "101"])}`,
        `/v1/records/reviews?filter.rating=${r.text(4).replace(/[&#=% ]/g, "x")}z`,
        `/v1/records/listings?cursor=${r.text(20).replace(/[&#=% +]/g, "x")}`,
        `/v1/records/listings?history=${r.pick(["yes", "1", ""])}`,
        `/v1/records/${r.pick(["nope", "LISTINGS", "__proto__", "constructor"])}`,
        `/v1/chain/orders?buyer=0x${r.text(5).replace(/[&#=% ]/g, "x")}`,
        `/ipfs/${r.text(10).replace(/[?#/% ]/g, "x")}?format=car`,
        `/ipfs/bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq?format=${r.pick(["tar", "json", ""])}x`,
        `/v1/content/${r.text(10).replace(/[?#/% ]/g, "x")}`,
      ]),
      headers: {},
    }),
    () => ({
      kind: "random headers",
      method: "POST",
      path: r.pick(["/v1/records/listings", "/v1/content", "/v1/peers", "/v1/auth/logout", "/v1/auth/session"]),
      headers: {
        authorization: r.pick([
          "Bearer",
          "Bearer  ",
          "Basic abc",
          `Bearer ${r.text(30).replace(/ /g, "")}`,
          "bearer x y z",
          r.text(10),
        ]),
        accept: r.pick(["*/*", "application/vnd.ipld.car", r.text(15)]),
        "x-forwarded-for": r.pick(["1.2.3.4", r.text(20)]),
        range: r.pick(["bytes=0-1", "bytes=x", r.text(5)]),
        ...JSON_TYPE,
      },
      body: Buffer.from(JSON.stringify(wrongTypes(r))),
    }),
  ];
  return r.pick(kinds)();
}

export function rawRequests(r: Random): RawRequest {
  const garbage = [
    () =>
      Buffer.concat([
        Buffer.from("GET /v1/records/"),
        Buffer.from([0xff, 0xfe, 0x80]),
        Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n"),
      ]),
    () =>
      Buffer.from(
        `${r.pick(["GET", "POST", "PUT"])} /v1/records/é✓😀/${r.int(99)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      ),
    () => Buffer.concat([r.bytes(1 + r.int(60)), Buffer.from("\r\n\r\n")]),
    () => Buffer.from(`GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17_000 + r.int(10_000))}\r\n\r\n`),
    () => Buffer.from("POST /v1/records/listings/query HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}"),
    () =>
      Buffer.from(
        "POST /v1/records/listings/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
      ),
    () => Buffer.from(`GET /v1/node HTTP/9.${r.int(9)}\r\nHost: x\r\n\r\n`),
    () =>
      Buffer.concat([
        Buffer.from("GET /v1/health HTTP/1.1\r\nHost: "),
        Buffer.from([0x00, 0x7f, 0xff]),
        Buffer.from("\r\n\r\n"),
      ]),
    () =>
      Buffer.from(
        "POST /v1/records/listings/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      ),
  ];
  return { kind: "garbage HTTP", raw: r.pick(garbage)() };
}
