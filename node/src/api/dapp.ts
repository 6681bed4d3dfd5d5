/**
 * The built dApp, served at / when dapp.dir is set (@fastify/static). Vite names the files under
 * assets/ by their content hash, so they are cached for a year; everything else, index.html
 * first, is revalidated on every use (no-cache), so that a new build shows at the next load. The
 * build writes X.br and X.gz beside each compressible file: they are sent to clients that accept
 * them. A page address of the single-page app (/profile/0xabc) that is no file gets index.html,
 * when the client asks for HTML; API paths keep their JSON 404. HTML goes out with a strict
 * Content-Security-Policy, whose connect-src names the dev chain's RPC when it runs on loopback.
 *
 * @example
 * ```ts
 * const dapp = await registerDapp(app, ctx); // undefined when dapp.dir is empty
 * app.setNotFoundHandler(async (request, reply) => (dapp?.accepts(request) ? dapp.sendIndex(reply) : notFound()));
 * ```
 */
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ConfigError } from "../config.ts";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { isLoopbackUrl } from "./chain.ts";

export const INDEX_FILE = "index.html";
/** Cache-Control of Vite's content-hashed files (under assets/). */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache-Control of everything else: revalidate (ETag, Last-Modified) on every use. */
export const REVALIDATE = "no-cache";
/** Paths that never get the single-page app's index.html: the API's, and missing hashed files. */
const NOT_PAGES = ["/v1/", "/ipfs/", "/metrics", "/assets/"];
const HTML_FILE = /\.html(\.br|\.gz)?$/;

/**
 * The dApp's folder as an absolute path (relative ones are taken from the working directory),
 * or a ConfigError when it or its index.html is missing: that names the fix.
 */
export function resolveDappDir(dir: string): string {
  const root = resolve(dir);
  const index = join(root, INDEX_FILE);
  let problem: string | undefined;
  if (!existsSync(root) || !statSync(root).isDirectory()) problem = `${root} is not a folder`;
  else if (!existsSync(index) || !statSync(index).isFile()) problem = `${root} has no ${INDEX_FILE}`;
  if (problem === undefined) return root;
  throw new ConfigError(
    `dapp.dir is ${JSON.stringify(dir)} but ${problem}: build the dApp with \`npm run build -w dapp\` ` +
      "(it writes dapp/dist), or unset dapp.dir (`stoa config set dapp.dir ''`, or STOA_DAPP_DIR=) to run without it",
    "dapp.dir",
  );
}

/** The RPC origins the page may call besides its own: the chain's, over HTTP and WebSocket, on loopback only. */
function rpcSources(ctx: DaemonContext): string[] {
  let url: URL;
  try {
    url = new URL(ctx.chain.rpcUrl);
  } catch {
    return [];
  }
  if (!isLoopbackUrl(url)) return [];
  const socket = url.protocol === "https:" ? "wss:" : "ws:";
  return [`${url.protocol}//${url.host}`, `${socket}//${url.host}`];
}

/** The Content-Security-Policy of the dApp's HTML. Read per request: the chain's RPC is known once it started. */
export function contentSecurityPolicy(ctx: DaemonContext): string {
  return [
    "default-src 'self'",
    // viem and the SDK compile WebAssembly (hashing, signatures); no inline or eval'd script.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...rpcSources(ctx)].join(" "),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function securityHeaders(ctx: DaemonContext): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(ctx),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
  };
}

export interface DappServer {
  /** Whether `request` is a page address of the app: GET/HEAD asking for HTML, outside the API's paths. */
  accepts(request: FastifyRequest): boolean;
  /** Answers with index.html (200, no-cache, security headers). */
  sendIndex(reply: FastifyReply): FastifyReply;
}

/** Serves dapp.dir at /; undefined when it is empty. Throws ConfigError when it is set but not built. */
export async function registerDapp(app: ApiApp, ctx: DaemonContext): Promise<DappServer | undefined> {
  if (!ctx.config.dapp.dir) return undefined;
  const root = resolveDappDir(ctx.config.dapp.dir);
  const assets = `assets${sep}`;
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    wildcard: true,
    index: [INDEX_FILE],
    preCompressed: true,
    dotfiles: "ignore",
    // Our own Cache-Control, below.
    cacheControl: false,
    setHeaders(reply, path) {
      const cached = relative(root, path).startsWith(assets) ? IMMUTABLE : REVALIDATE;
      void reply.header("cache-control", cached);
      if (HTML_FILE.test(path)) void reply.headers(securityHeaders(ctx));
    },
  });
  return {
    accepts(request) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const path = request.url.split("?")[0] ?? "/";
      if (NOT_PAGES.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix)) return false;
      return String(request.headers.accept ?? "")
        .toLowerCase()
        .includes("text/html");
    },
    sendIndex(reply) {
      // The not-found route's reply: @fastify/static keeps a status other than 200.
      return reply.code(200).sendFile(INDEX_FILE);
    },
  };
}
