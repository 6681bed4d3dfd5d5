/**
 * The chain the node follows: its id, RPC URL, head, contract addresses and indexer status, and
 * reads over the indexer (orders, jobs, proposals, certificates, the deny list, arbiters).
 * Results use the indexer's conventions: checksummed addresses, wei as decimal strings, unix
 * seconds.
 */
import { z } from "zod";
import type { DaemonContext } from "../context.ts";
import type { ApiApp } from "./app.ts";
import { ApiError, notFound } from "./errors.ts";
import {
  accountParam,
  arbiterSchema,
  certificateSchema,
  delegateSchema,
  delegateSummarySchema,
  deniedSchema,
  jobSchema,
  orderSchema,
  page,
  proposalSchema,
  statusSchema,
  whole,
} from "./chain-schemas.ts";
import { errors } from "./schemas.ts";

/**
 * The indexer's views are interfaces, which TypeScript will not match against the schemas' open
 * object types; the serializer checks every answer against its schema at run time anyway.
 */
function shaped<S extends z.ZodType>(_schema: S, value: object): z.output<S> {
  return value as z.output<S>;
}

/** Whether the chain indexer has caught up (readiness). */
export function chainReadiness(ctx: DaemonContext): boolean {
  const status = ctx.chain.indexer.status;
  // Before its first poll the indexer knows no head (-1) and calls that synced.
  return status.synced && status.head >= 0;
}

/** Whether `url` names this machine (the dev chain is served on 127.0.0.1). */
export function isLoopbackUrl(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/**
 * The RPC URL as the public may see it: complete on loopback (the dev chain, which wallets use),
 * otherwise its origin only, since providers put API keys in paths and queries.
 */
export function publicRpcUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  if (isLoopbackUrl(url)) return url.toString();
  return `${url.protocol}//${url.host}/`;
}

async function chainStatus(ctx: DaemonContext) {
  const { chain } = ctx;
  let head;
  try {
    head = await chain.head();
  } catch (error) {
    throw new ApiError(
      502,
      "chain-unreachable",
      `the chain's RPC did not answer: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const contracts = Object.fromEntries(
    Object.entries(chain.manifest.contracts).map(([name, c]) => [name, { address: c.address, abiHash: c.abiHash }]),
  );
  return {
    chainId: chain.chainId,
    mode: chain.mode,
    rpcUrl: publicRpcUrl(chain.rpcUrl),
    head,
    startBlock: chain.manifest.startBlock,
    contracts,
    indexer: chain.indexer.status,
  };
}

function registerStatusRoute(app: ApiApp, ctx: DaemonContext): void {
  app.get(
    "/v1/chain",
    {
      schema: {
        tags: ["chain"],
        summary: "The chain: id, RPC URL, head, contracts, indexer status",
        response: { 200: statusSchema, ...errors(502) },
      },
    },
    async () => chainStatus(ctx),
  );
}

function registerMarketRoutes(app: ApiApp, ctx: DaemonContext): void {
  // Read per request: the chain service is wired after the routes in some contexts (the docs script).
  const indexer = () => ctx.chain.indexer;
  app.get(
    "/v1/chain/orders",
    {
      schema: {
        tags: ["chain"],
        summary: "Marketplace orders, newest first",
        querystring: z.strictObject({
          buyer: accountParam.optional(),
          seller: accountParam.optional(),
          arbiter: accountParam.optional(),
          party: accountParam.optional().describe("Buyer or seller"),
          listingHash: z
            .string()
            .regex(/^0x[0-9a-fA-F]{64}$/)
            .optional(),
          status: z.enum(["funded", "disputed", "settled"]).optional(),
          ...page,
        }),
        response: { 200: z.object({ orders: z.array(orderSchema) }), ...errors(400) },
      },
    },
    async (request) => ({ orders: (await indexer().orders(request.query)).map((o) => shaped(orderSchema, o)) }),
  );
  app.get(
    "/v1/chain/orders/:orderId",
    {
      schema: {
        tags: ["chain"],
        summary: "One order with its timeline",
        params: z.object({ orderId: whole }),
        response: { 200: orderSchema, ...errors(400, 404) },
      },
    },
    async (request) =>
      shaped(
        orderSchema,
        (await indexer().order(Number(request.params.orderId))) ?? notFoundOf("order", request.params.orderId),
      ),
  );
  app.get(
    "/v1/chain/jobs",
    {
      schema: {
        tags: ["chain"],
        summary: "Jobs with their milestones, newest first",
        querystring: z.strictObject({
          employer: accountParam.optional(),
          worker: accountParam.optional(),
          arbiter: accountParam.optional(),
          party: accountParam.optional().describe("Employer or worker"),
          ...page,
        }),
        response: { 200: z.object({ jobs: z.array(jobSchema) }), ...errors(400) },
      },
    },
    async (request) => ({ jobs: (await indexer().jobs(request.query)).map((j) => shaped(jobSchema, j)) }),
  );
  app.get(
    "/v1/chain/jobs/:jobId",
    {
      schema: {
        tags: ["chain"],
        summary: "One job",
        params: z.object({ jobId: whole }),
        response: { 200: jobSchema, ...errors(400, 404) },
      },
    },
    async (request) =>
      shaped(jobSchema, (await indexer().job(Number(request.params.jobId))) ?? notFoundOf("job", request.params.jobId)),
  );
}

function registerGovernanceRoutes(app: ApiApp, ctx: DaemonContext): void {
  const indexer = () => ctx.chain.indexer;
  app.get(
    "/v1/chain/proposals",
    {
      schema: {
        tags: ["chain"],
        summary: "DAO proposals with tallies and votes, newest first",
        querystring: z.strictObject({ proposer: accountParam.optional(), ...page }),
        response: { 200: z.object({ proposals: z.array(proposalSchema) }), ...errors(400) },
      },
    },
    async (request) => ({
      proposals: (await indexer().proposals(request.query)).map((p) => shaped(proposalSchema, p)),
    }),
  );
  app.get(
    "/v1/chain/proposals/:proposalId",
    {
      schema: {
        tags: ["chain"],
        summary: "One proposal",
        params: z.object({ proposalId: z.string().regex(/^[0-9]{1,78}$/, "must be a decimal proposal id") }),
        response: { 200: proposalSchema, ...errors(400, 404) },
      },
    },
    async (request) =>
      shaped(
        proposalSchema,
        (await indexer().proposal(request.params.proposalId)) ?? notFoundOf("proposal", request.params.proposalId),
      ),
  );
  app.get(
    "/v1/chain/delegates",
    {
      schema: {
        tags: ["chain"],
        summary: "Accounts with StoaToken voting power, most first, with their number of delegators",
        querystring: z.strictObject(page),
        response: { 200: z.object({ delegates: z.array(delegateSummarySchema) }), ...errors(400) },
      },
    },
    async (request) => ({ delegates: await indexer().delegates(request.query) }),
  );
  app.get(
    "/v1/chain/delegates/:account",
    {
      schema: {
        tags: ["chain"],
        summary: "An account's voting power, whom it delegates to, and who delegates to it",
        params: z.object({ account: accountParam }),
        response: { 200: delegateSchema, ...errors(400) },
      },
    },
    async (request) => shaped(delegateSchema, await indexer().delegate(request.params.account)),
  );
  app.get(
    "/v1/chain/deny-list",
    {
      schema: {
        tags: ["chain"],
        summary: "Accounts the DAO denies (StoaRegistry), as of the indexed block",
        response: { 200: z.object({ denied: z.array(deniedSchema) }) },
      },
    },
    async () => ({ denied: await indexer().deniedAccounts() }),
  );
  app.get(
    "/v1/chain/arbiters",
    {
      schema: {
        tags: ["chain"],
        summary: "Registered arbiters",
        response: { 200: z.object({ arbiters: z.array(arbiterSchema) }) },
      },
    },
    async () => ({ arbiters: await indexer().arbiters() }),
  );
}

function registerCertificateRoutes(app: ApiApp, ctx: DaemonContext): void {
  const indexer = () => ctx.chain.indexer;
  app.get(
    "/v1/chain/certificates",
    {
      schema: {
        tags: ["chain"],
        summary: "Claimed certificates, newest first",
        querystring: z.strictObject({
          holder: accountParam.optional(),
          root: z
            .string()
            .regex(/^0x[0-9a-fA-F]{64}$/)
            .transform((v) => v.toLowerCase())
            .optional(),
          ...page,
        }),
        response: { 200: z.object({ certificates: z.array(certificateSchema) }), ...errors(400) },
      },
    },
    async (request) => ({
      certificates: (await indexer().certificates(request.query)).map((c) => shaped(certificateSchema, c)),
    }),
  );
  app.get(
    "/v1/chain/certificates/:tokenId",
    {
      schema: {
        tags: ["chain"],
        summary: "One certificate, with its revocation if revoked",
        params: z.object({ tokenId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex digest") }),
        response: { 200: certificateSchema, ...errors(400, 404) },
      },
    },
    async (request) =>
      shaped(
        certificateSchema,
        (await indexer().certificate(request.params.tokenId.toLowerCase())) ??
          notFoundOf("certificate", request.params.tokenId),
      ),
  );
}

function notFoundOf(what: string, id: string): never {
  throw notFound(`no ${what} ${id} in the chain index`, what === "certificate" ? "tokenId" : `${what}Id`);
}

export function registerChainRoutes(app: ApiApp, ctx: DaemonContext): void {
  registerStatusRoute(app, ctx);
  registerMarketRoutes(app, ctx);
  registerGovernanceRoutes(app, ctx);
  registerCertificateRoutes(app, ctx);
}
