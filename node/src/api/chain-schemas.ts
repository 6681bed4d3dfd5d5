/**
 * The zod schemas of the chain routes: query parameters, and the indexer's views as answered.
 * The views carry many fields; the schemas name the ones clients key on and pass the rest
 * through (loose objects), so that the document stays readable and nothing is dropped.
 */
import { z } from "zod";

export const accountParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address (40 hex digits)")
  .transform((value) => value.toLowerCase());
export const page = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, "must be a whole number")
    .transform(Number)
    .optional()
    .describe("1-1000, default 100"),
  offset: z
    .string()
    .regex(/^[0-9]{1,9}$/, "must be a whole number")
    .transform(Number)
    .optional(),
};
export const whole = z.string().regex(/^[0-9]{1,15}$/, "must be a whole number");

export const position = z.object({
  block: z.number(),
  blockHash: z.string(),
  txHash: z.string(),
  logIndex: z.number(),
  timestamp: z.number(),
});
export const orderSchema = z
  .looseObject({
    orderId: z.number(),
    buyer: z.string(),
    seller: z.string(),
    arbiter: z.string(),
    token: z.string(),
    amount: z.string(),
    listingHash: z.string(),
    status: z.enum(["funded", "disputed", "settled"]),
    created: position,
    timeline: z.array(z.looseObject({ kind: z.string() })),
  })
  .meta({ id: "ChainOrder" });
export const jobSchema = z
  .looseObject({
    jobId: z.number(),
    employer: z.string(),
    worker: z.string(),
    arbiter: z.string(),
    milestones: z.array(z.looseObject({ index: z.number(), status: z.string() })),
  })
  .meta({ id: "ChainJob" });
export const proposalSchema = z
  .looseObject({
    proposalId: z.string(),
    proposer: z.string(),
    description: z.string(),
    status: z.enum(["created", "queued", "executed", "canceled"]),
    voteStart: z.number(),
    voteEnd: z.number(),
    tally: z.object({ against: z.string(), for: z.string(), abstain: z.string() }),
  })
  .meta({ id: "ChainProposal" });
export const certificateSchema = z
  .looseObject({ tokenId: z.string(), root: z.string(), holder: z.string(), claimed: position })
  .meta({ id: "ChainCertificate" });
export const deniedSchema = z
  .object({ account: z.string(), reasonCid: z.string(), since: z.number(), at: position })
  .meta({ id: "DeniedAccount" });
export const arbiterSchema = z.object({ arbiter: z.string(), profileCid: z.string(), at: position });

export const statusSchema = z
  .object({
    chainId: z.number().int(),
    mode: z.enum(["dev", "rpc"]),
    rpcUrl: z.string().describe("Path and credentials hidden unless the RPC is on loopback"),
    head: z.object({ number: z.number().int(), hash: z.string(), timestamp: z.number().int() }),
    startBlock: z.number().int(),
    contracts: z.record(z.string(), z.object({ address: z.string(), abiHash: z.string() })),
    indexer: z.object({
      block: z.number().int(),
      head: z.number().int(),
      synced: z.boolean(),
      lag: z.number().int(),
      error: z.string().optional(),
    }),
  })
  .meta({ id: "ChainStatus" });
