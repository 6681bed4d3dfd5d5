/**
 * What one caller may ask of the node: requests per minute per IP address and per signed-in
 * account (@fastify/rate-limit, in memory), and how deeply a JSON body may nest (body sizes are
 * Fastify's bodyLimit, and the content route's own limit).
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import type { StoaConfig } from "../config.ts";
import type { ApiApp } from "./app.ts";
import { ApiError, badRequest } from "./errors.ts";
import { sessionOf } from "./guards.ts";

/** Deepest nesting of arrays and objects in a JSON body; records need a handful of levels. */
export const MAX_JSON_DEPTH = 32;
const WINDOW_MS = 60_000;

const rateLimited = (after: string) => new ApiError(429, "rate-limited", `too many requests; retry in ${after}`);

/** Whether `value` nests deeper than `max` (iterative: no stack to overflow). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Installs the limits as root hooks, so that they run before any route's own hooks (and for
 * unknown routes too): the IP limit first, then (once the session is known) the account limit.
 * Call after the session is resolved by an earlier hook.
 */
export async function installRateLimits(app: ApiApp, config: StoaConfig["api"]): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: config.rateLimitPerIp,
    timeWindow: WINDOW_MS,
    errorResponseBuilder: (_request, context) => rateLimited(context.after),
  });
  app.addHook("onRequest", app.rateLimit());
  const perAccount = app.createRateLimit({
    max: config.rateLimitPerSession,
    timeWindow: WINDOW_MS,
    keyGenerator: (request: FastifyRequest) => `account:${sessionOf(request)?.address ?? ""}`,
  });
  app.addHook("onRequest", async (request, reply) => {
    if (!sessionOf(request)) return;
    const limit = await perAccount(request);
    if (!("isExceeded" in limit) || !limit.isExceeded) return;
    void reply.header("retry-after", String(limit.ttlInSeconds));
    throw rateLimited(`${limit.ttlInSeconds} seconds`);
  });
}

/** preValidation hook: refuses JSON nested deeper than MAX_JSON_DEPTH. */
export function limitJsonDepth(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const body = request.body;
  // Only parsed JSON: the content route's body is a stream.
  const parsed =
    Array.isArray(body) ||
    (typeof body === "object" && body !== null && Object.getPrototypeOf(body) === Object.prototype);
  if (parsed && nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw badRequest(`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, "body");
  }
  done();
}
