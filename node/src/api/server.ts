/**
 * The node's HTTP API v1 (Fastify): records, content and the verifiable gateway, SIWE sign-in,
 * the node and its peers, the chain, live events, health and metrics, the dev chain's faucet, with
 * an OpenAPI document generated from the routes' zod schemas; and the built dApp at / (dapp.dir).
 * `createApi` builds it without listening; the daemon calls `listen` on api.host / api.port and
 * `close` on shutdown (event streams end first).
 *
 * Hooks run in this order on every request, unknown routes included: refuse while closing ->
 * CORS -> find the session -> rate limit per IP -> rate limit per account -> the route's own
 * (session or admin token, content type) -> body parsing -> JSON depth check -> zod validation
 * -> handler. Everything before body parsing reads headers only, so a refused request costs
 * nothing more.
 *
 * @example
 * ```ts
 * const api = await createApi(ctx);
 * await api.listen({ host: ctx.config.api.host, port: ctx.config.api.port });
 * // ...
 * await api.close();
 * ```
 */
import cors from "@fastify/cors";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { registerAuthRoutes } from "./auth.ts";
import { registerChainRoutes } from "./chain.ts";
import { registerContentRoutes } from "./content.ts";
import { registerDapp } from "./dapp.ts";
import { DiskUsage } from "./disk-usage.ts";
import { ApiError, sendError } from "./errors.ts";
import { DEFAULT_EVENT_STREAM_OPTIONS, EventHub, registerEventRoutes, type EventStreamOptions } from "./events.ts";
import { registerGatewayRoutes } from "./gateway.ts";
import { resolveSession } from "./guards.ts";
import { registerHealthRoutes } from "./health.ts";
import { registerFaucetRoute } from "./faucet.ts";
import { installRateLimits, limitJsonDepth } from "./limits.ts";
import { ApiMetrics, registerMetricsRoute } from "./metrics.ts";
import { registerNodeRoutes } from "./node-info.ts";
import { installOpenApi, registerOpenApiRoute } from "./openapi.ts";
import { registerMarketApi } from "./market/routes.ts";
import { checkOrderNotes } from "./market/notes.ts";
import { ReviewBook } from "./market/reviews.ts";
import { PollBook } from "./governance/poll-book.ts";
import { registerPollRoutes } from "./governance/polls.ts";
import { registerRecordRoutes } from "./records.ts";
import { answerClientError, RouteTable } from "./routing.ts";
import { NonceStore, SessionStore, type Clock } from "./sessions.ts";

export interface ApiOptions {
  /** Event stream settings (tests shorten the heartbeat). */
  events?: Partial<EventStreamOptions>;
  /** The clock of nonces, sessions and SIWE validity (tests move it to expire them). */
  clock?: Clock;
}

/** Longest path parameter: CIDs and record ids are far shorter. */
const MAX_PARAM_LENGTH = 256;

/** Origins allowed to call from a browser: the node's own (read per request: it may change at listen) and api.corsOrigins. */
function corsOrigins(ctx: DaemonContext) {
  return (origin: string | undefined, callback: (error: Error | null, allow: boolean) => void) => {
    if (origin === undefined) return callback(null, false);
    const own = new URL(ctx.publicUrl).origin;
    callback(null, origin === own || ctx.config.api.corsOrigins.includes(origin));
  };
}

function createServer(ctx: DaemonContext): ApiApp {
  const logger: FastifyBaseLogger = ctx.logger.child({ part: "api" });
  const app = Fastify({
    loggerInstance: logger,
    // Requests are counted in the metrics; the log gets failures only.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.api.bodyLimitBytes,
    // Our own 503 (JSON in our shape) while closing, below.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (error, request, reply) => void sendError(error, request, reply),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(sendError);
  // JSON routes take JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser("text/plain");
  return app;
}

export async function createApi(ctx: DaemonContext, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app = createServer(ctx);
  const clock = options.clock ?? Date.now;
  const nonces = new NonceStore(ctx.config.auth.nonceTtlSeconds, clock);
  const sessions = new SessionStore(ctx.config.auth.sessionTtlSeconds, clock);
  const hub = new EventHub(ctx, { ...DEFAULT_EVENT_STREAM_OPTIONS, ...options.events }, (handler) =>
    ctx.chain.indexer.subscribe(handler),
  );
  const metrics = new ApiMetrics({ ctx, sessions: () => sessions.size, streams: () => hub.clients });
  const routes = new RouteTable();
  let closing = false;

  app.addHook("onRequest", (_request, _reply, done) => {
    if (closing) throw new ApiError(503, "shutting-down", "the node is shutting down");
    done();
  });
  await app.register(cors, {
    origin: corsOrigins(ctx),
    methods: ["GET", "HEAD", "POST", "OPTIONS"],
    allowedHeaders: ["authorization", "content-type", "accept", "last-event-id"],
    exposedHeaders: ["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "etag"],
    maxAge: 600,
  });
  app.addHook("onRequest", resolveSession(sessions));
  await installRateLimits(app, ctx.config.api);
  app.addHook("preValidation", limitJsonDepth);
  app.addHook("onResponse", (request, reply, done) => {
    metrics.observe(request, reply);
    done();
  });
  app.addHook("preClose", (done) => {
    closing = true;
    hub.close();
    done();
  });
  routes.install(app);
  await installOpenApi(app);

  registerAuthRoutes(app, { ctx, nonces, sessions, clock });
  const reviews = new ReviewBook(ctx, clock);
  const polls = new PollBook(ctx);
  registerRecordRoutes(app, ctx, {
    reviews: (records) => reviews.checkWrite(records),
    orderNotes: (records) => checkOrderNotes(ctx, records),
    polls: (records) => polls.checkWrite(records),
  });
  registerMarketApi(app, ctx, reviews);
  registerPollRoutes(app, ctx, polls);
  registerContentRoutes(app, ctx);
  registerGatewayRoutes(app, ctx);
  registerNodeRoutes(app, ctx, new DiskUsage(ctx.repo));
  registerChainRoutes(app, ctx);
  registerEventRoutes(app, ctx, hub);
  registerHealthRoutes(app, ctx, () => closing);
  registerMetricsRoute(app, metrics);
  registerFaucetRoute(app, ctx, clock);
  registerOpenApiRoute(app);
  // Last: the dApp's files take every GET no route above takes.
  const dapp = await registerDapp(app, ctx);
  app.setNotFoundHandler(async (request, reply) => {
    if (dapp?.accepts(request)) return dapp.sendIndex(reply);
    routes.notFound(request);
  });
  return app;
}
