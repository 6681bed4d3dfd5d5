/**
 * The chain over the API: the status of the chain a node follows, and its indexer's views as
 * answered. The views carry many fields; the schemas name the ones clients key on and pass the
 * rest through (loose objects), so that nothing is dropped.
 */
import { z } from "zod";

export const chainPositionSchema = z.object({
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
    created: chainPositionSchema,
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
  .looseObject({ tokenId: z.string(), root: z.string(), holder: z.string(), claimed: chainPositionSchema })
  .meta({ id: "ChainCertificate" });
export const deniedSchema = z
  .object({ account: z.string(), reasonCid: z.string(), since: z.number(), at: chainPositionSchema })
  .meta({ id: "DeniedAccount" });
export const arbiterSchema = z.object({ arbiter: z.string(), profileCid: z.string(), at: chainPositionSchema });

export const delegateSchema = z
  .object({
    account: z.string(),
    votes: z.string().describe("Voting power delegated to the account (STOA wei)"),
    delegatee: z.string().optional().describe("Whom the account delegates to; absent if it never delegated"),
    delegators: z.array(z.object({ account: z.string(), since: chainPositionSchema })),
  })
  .meta({ id: "ChainDelegate" });
export const delegateSummarySchema = z
  .object({ account: z.string(), votes: z.string(), delegators: z.number().int() })
  .meta({ id: "ChainDelegateSummary" });

export const chainStatusSchema = z
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

export type ApiChainStatus = z.output<typeof chainStatusSchema>;
export type ApiChainOrder = z.output<typeof orderSchema>;
export type ApiChainProposal = z.output<typeof proposalSchema>;
export type ApiChainDelegate = z.output<typeof delegateSchema>;
export type ApiChainDelegateSummary = z.output<typeof delegateSummarySchema>;
