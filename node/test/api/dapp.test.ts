import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { expect } from "chai";
import { IMMUTABLE, resolveDappDir } from "../../src/api/dapp.ts";
import { loadConfig } from "../../src/config.ts";
import { startDaemon } from "../../src/daemon.ts";
import { errorOf, logger, startApi, tempDir, type TestApi } from "./helpers.ts";

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head></html>';
const APP_JS = `console.log(${JSON.stringify("stoa ".repeat(200))});`;

/** A built dApp as Vite and the build's compression step leave it. */
function builtDapp(): string {
  const dir = tempDir("stoa-dapp-");
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), INDEX_HTML);
  writeFileSync(join(dir, "assets", "app-abc123.js"), APP_JS);
  writeFileSync(join(dir, "assets", "app-abc123.js.br"), brotliCompressSync(APP_JS));
  writeFileSync(join(dir, "assets", "app-abc123.js.gz"), gzipSync(APP_JS));
  writeFileSync(join(dir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  return dir;
}

describe("API: the dApp", function () {
  describe("with dapp.dir set", function () {
    let t: TestApi;

    before(async function () {
      t = await startApi({ settings: { "dapp.dir": builtDapp() } });
    });
    after(() => t?.stop());

    const get = (url: string, headers: Record<string, string> = {}) => t.api.inject({ method: "GET", url, headers });

    function expectIndexPage(response: Awaited<ReturnType<typeof get>>): void {
      expect(response.statusCode).to.equal(200);
      expect(response.headers["content-type"]).to.match(/^text\/html/);
      expect(response.body).to.equal(INDEX_HTML);
      expect(response.headers["cache-control"]).to.equal("no-cache");
      expect(response.headers["x-content-type-options"]).to.equal("nosniff");
      expect(response.headers["referrer-policy"]).to.equal("no-referrer");
      expect(response.headers["cross-origin-opener-policy"]).to.equal("same-origin");
    }

    it("/ is index.html, revalidated, with the security headers and a CSP naming the dev chain's RPC", async function () {
      const response = await get("/", { accept: "text/html" });
      expectIndexPage(response);
      const { host } = new URL(t.ctx.chain.rpcUrl);
      const csp = String(response.headers["content-security-policy"]);
      expect(csp).to.equal(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
          `img-src 'self' data: blob:; connect-src 'self' http://${host} ws://${host}; worker-src 'self' blob:; ` +
          "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(host).to.match(/^127\.0\.0\.1:\d+$/);
    });

    it("hashed assets: the precompressed file the client accepts, cached for a year", async function () {
      const br = await get("/assets/app-abc123.js", { "accept-encoding": "br, gzip" });
      expect(br.statusCode).to.equal(200);
      expect(br.headers["content-encoding"]).to.equal("br");
      expect(br.headers["content-type"]).to.match(/javascript/);
      expect(br.headers["cache-control"]).to.equal(IMMUTABLE);
      expect(String(br.headers.vary).toLowerCase()).to.include("accept-encoding");
      expect(brotliDecompressSync(br.rawPayload).toString()).to.equal(APP_JS);
      expect(br.headers["content-security-policy"]).to.equal(undefined);

      const gzip = await get("/assets/app-abc123.js", { "accept-encoding": "gzip" });
      expect(gzip.headers["content-encoding"]).to.equal("gzip");
      expect(gunzipSync(gzip.rawPayload).toString()).to.equal(APP_JS);

      const plain = await get("/assets/app-abc123.js");
      expect(plain.headers["content-encoding"]).to.equal(undefined);
      expect(plain.body).to.equal(APP_JS);
      expect(plain.headers["cache-control"]).to.equal(IMMUTABLE);
    });

    it("other files are revalidated", async function () {
      const response = await get("/favicon.svg");
      expect(response.statusCode).to.equal(200);
      expect(response.headers["cache-control"]).to.equal("no-cache");
    });

    it("a page of the app that is no file gets index.html when the client asks for HTML (GET and HEAD)", async function () {
      const accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
      expectIndexPage(await get("/profile/0xabc", { accept }));
      expectIndexPage(await get("/profile/0xabc?tab=listings", { accept, "accept-encoding": "identity" }));
      const head = await t.api.inject({ method: "HEAD", url: "/listings/new", headers: { accept } });
      expect(head.statusCode).to.equal(200);
      expect(head.headers["content-security-policy"]).to.be.a("string");
    });

    it("API paths and missing files keep the JSON 404 (and 405), HTML asked or not", async function () {
      for (const [url, accept] of [
        ["/v1/nope", "text/html"],
        ["/v1", "text/html"],
        ["/ipfs/nope/x", "text/html"],
        ["/assets/app-old999.js", "text/html"],
        ["/nope.js", "*/*"],
        ["/profile/0xabc", "application/json"],
      ] as const) {
        const response = await get(url, { accept });
        expect(response.statusCode, url).to.equal(404);
        expect(errorOf(response).code, url).to.equal("not-found");
      }
      const wrongMethod = await get("/v1/auth/nonce", { accept: "text/html" });
      expect(wrongMethod.statusCode).to.equal(405);
      expect(wrongMethod.headers.allow).to.equal("POST");
      const post = await t.api.inject({ method: "POST", url: "/profile/0xabc", headers: { accept: "text/html" } });
      expect(post.statusCode).to.equal(404);
    });
  });

  describe("with dapp.dir empty", function () {
    let t: TestApi;

    before(async function () {
      t = await startApi();
    });
    after(() => t?.stop());

    it("/ is the JSON 404 as before", async function () {
      const response = await t.api.inject({ method: "GET", url: "/", headers: { accept: "text/html" } });
      expect(response.statusCode).to.equal(404);
      expect(errorOf(response).code).to.equal("not-found");
    });
  });

  describe("with dapp.dir set but not built", function () {
    it("a ConfigError that says how to build it or unset it", function () {
      const missing = join(tempDir(), "dist");
      expect(() => resolveDappDir(missing))
        .to.throw(/dapp\.dir is .* is not a folder: build the dApp with `npm run build -w dapp`.*unset dapp\.dir/)
        .with.property("setting", "dapp.dir");
      const empty = tempDir();
      expect(() => resolveDappDir(empty))
        .to.throw(/has no index\.html/)
        .with.property("name", "ConfigError");
    });

    it("the daemon refuses to start, before it starts the chain", async function () {
      const config = loadConfig({ env: {}, flags: { "dapp.dir": join(tempDir(), "dist") } });
      const started = Date.now();
      const error = await startDaemon({ repo: tempDir(), config, logger }).then(
        () => expect.fail("the daemon started"),
        (e: Error) => e,
      );
      expect(error.name).to.equal("ConfigError");
      expect(error.message).to.include("npm run build -w dapp");
      expect(Date.now() - started).to.be.below(1000);
    });
  });
});
