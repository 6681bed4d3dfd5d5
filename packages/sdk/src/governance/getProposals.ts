import { proposalSchema } from "@stoa/protocol/api";
import { getAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "../chain/chainOf.ts";
import { readContract } from "../chain/readContract.ts";
import { catContent } from "../content/catContent.ts";
import { nodeJson } from "../http.ts";
import { decodeAction, type DecodedCall } from "./actions.ts";
import { parseDescription } from "./description.ts";

/** The governor's ProposalState, by name. */
export const PROPOSAL_STATES = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];
export type VoteSupport = "against" | "for" | "abstain";

export interface ProposalVote {
  voter: Address;
  support: VoteSupport;
  /** Voting power used (STOA wei). */
  weight: bigint;
  reason: string;
  block: number;
  timestamp: number;
  txHash: Hex;
}

/** One step of a proposal's life: done ones carry when (and the transaction, for events). */
export interface ProposalStep {
  step: "created" | "active" | "succeeded" | "defeated" | "queued" | "executed" | "canceled" | "expired";
  /** Unix seconds: when it happened, or when it will (voting start and end). */
  at: number;
  done: boolean;
  txHash?: Hex;
}

export interface Proposal {
  proposalId: string;
  proposer: Address;
  title: string;
  /** The Markdown body's CID, for proposals made with `propose`. */
  bodyCid?: string;
  /** The body itself when it is not in IPFS (proposals made by other tools): the description. */
  body?: string;
  /** As on chain: queue and execute need it. */
  description: string;
  state: ProposalState;
  /** Voting opens and closes at these times (unix seconds, the token's clock). */
  voteStart: number;
  voteEnd: number;
  /** When a queued proposal may be executed (unix seconds). */
  eta?: number;
  /** Votes for, against and abstaining (STOA wei), from the governor. */
  tally: Record<VoteSupport, bigint>;
  /** Votes needed (for + abstain) for the proposal to pass, at its snapshot. */
  quorum: bigint;
  /** What it does: each call decoded. */
  calls: DecodedCall[];
  votes: ProposalVote[];
  timeline: ProposalStep[];
  /** The chain's time when this was read (unix seconds). */
  readAt: number;
}

type ProposalView = z.output<typeof proposalSchema> & {
  targets: string[];
  values: string[];
  calldatas: string[];
  eta?: number;
  created: { timestamp: number; txHash: string };
  events: { kind: string; timestamp: number; txHash: string }[];
  votes: {
    voter: string;
    support: VoteSupport;
    weight: string;
    reason: string;
    at: { block: number; timestamp: number; txHash: string };
  }[];
};

const proposalsSchema = z.object({ proposals: z.array(proposalSchema) });

async function withChainState(client: StoaBaseClient, view: ProposalView, now: bigint): Promise<Proposal> {
  const { deployment } = await chainOf(client, "getProposal");
  const id = BigInt(view.proposalId);
  // quorum() needs a past timepoint: the snapshot once it passed, else the latest second.
  const snapshot = BigInt(view.voteStart) < now ? BigInt(view.voteStart) : now - 1n;
  const [stateIndex, [against, forVotes, abstain], quorum, chainEta] = await Promise.all([
    readContract(client, { contract: "governor", functionName: "state", args: [id] }),
    readContract(client, { contract: "governor", functionName: "proposalVotes", args: [id] }),
    readContract(client, { contract: "governor", functionName: "quorum", args: [snapshot] }),
    readContract(client, { contract: "governor", functionName: "proposalEta", args: [id] }),
  ]);
  const state = PROPOSAL_STATES[stateIndex] ?? "pending";
  // The chain is ahead of the node's index by up to a poll: state and eta come from the chain.
  const eta = chainEta > 0n ? Number(chainEta) : view.eta;
  const { title, bodyCid, body } = parseDescription(view.description);
  const calls = view.targets.map((target, i) =>
    decodeAction(deployment, {
      target: target as Address,
      value: BigInt(view.values[i] ?? "0"),
      calldata: (view.calldatas[i] ?? "0x") as Hex,
    }),
  );
  return {
    proposalId: view.proposalId,
    proposer: getAddress(view.proposer),
    title,
    ...(bodyCid ? { bodyCid } : {}),
    ...(body !== undefined ? { body } : {}),
    description: view.description,
    state,
    voteStart: view.voteStart,
    voteEnd: view.voteEnd,
    ...(eta !== undefined ? { eta } : {}),
    tally: { for: forVotes, against, abstain },
    quorum,
    calls,
    votes: view.votes.map((v) => ({
      voter: getAddress(v.voter),
      support: v.support,
      weight: BigInt(v.weight),
      reason: v.reason,
      block: v.at.block,
      timestamp: v.at.timestamp,
      txHash: v.at.txHash as Hex,
    })),
    timeline: timelineOf(view, state, eta, Number(now)),
    readAt: Number(now),
  };
}

/** Steps from the indexed events, done-ness from the governor's state (the index may lag a poll). */
function timelineOf(view: ProposalView, state: ProposalState, eta: number | undefined, now: number): ProposalStep[] {
  const event = (kind: string) => view.events.find((e) => e.kind === kind);
  const steps: ProposalStep[] = [
    { step: "created", at: view.created.timestamp, done: true, txHash: view.created.txHash as Hex },
    { step: "active", at: view.voteStart, done: now >= view.voteStart && state !== "canceled" },
  ];
  const canceled = event("ProposalCanceled");
  if (state === "canceled" || canceled) {
    steps.push({
      step: "canceled",
      at: canceled?.timestamp ?? now,
      done: true,
      ...(canceled ? { txHash: canceled.txHash as Hex } : {}),
    });
    return steps;
  }
  const outcome = state === "defeated" ? "defeated" : "succeeded";
  steps.push({ step: outcome, at: view.voteEnd, done: !["pending", "active"].includes(state) });
  if (outcome === "defeated") return steps;
  const queued = event("ProposalQueued");
  steps.push({
    step: "queued",
    at: queued?.timestamp ?? view.voteEnd,
    done: ["queued", "executed", "expired"].includes(state),
    ...(queued ? { txHash: queued.txHash as Hex } : {}),
  });
  const executed = event("ProposalExecuted");
  if (state === "expired") steps.push({ step: "expired", at: eta ?? view.voteEnd, done: true });
  else
    steps.push({
      step: "executed",
      at: executed?.timestamp ?? eta ?? view.voteEnd,
      done: state === "executed",
      ...(executed ? { txHash: executed.txHash as Hex } : {}),
    });
  return steps;
}

async function chainNow(client: StoaBaseClient, action: string): Promise<bigint> {
  const { publicClient } = await chainOf(client, action);
  return (await publicClient.getBlock()).timestamp;
}

export type GetProposalsParameters = { proposer?: Address; limit?: number; offset?: number; signal?: AbortSignal };
/** Newest first. */
export type GetProposalsReturnType = Proposal[];

/**
 * DAO proposals, newest first: the node's index of the governor's events (GET /v1/chain/proposals)
 * joined with the governor's own state, tally and quorum read from the chain.
 */
export async function getProposals(
  client: StoaBaseClient,
  { signal, ...filter }: GetProposalsParameters = {},
): Promise<GetProposalsReturnType> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (value !== undefined) params.set(name, String(value));
  const [{ proposals }, now] = await Promise.all([
    nodeJson(client, proposalsSchema, {
      path: `/v1/chain/proposals${params.size ? `?${params}` : ""}`,
      signal,
      action: "getProposals",
    }),
    chainNow(client, "getProposals"),
  ]);
  return Promise.all(proposals.map((view) => withChainState(client, view as ProposalView, now)));
}

export type GetProposalParameters = { proposalId: string | bigint; signal?: AbortSignal };
export type GetProposalReturnType = Proposal;

/** One proposal (GET /v1/chain/proposals/:id + the governor); not indexed (yet): StoaApiError 404. */
export async function getProposal(
  client: StoaBaseClient,
  { proposalId, signal }: GetProposalParameters,
): Promise<GetProposalReturnType> {
  const [view, now] = await Promise.all([
    nodeJson(client, proposalSchema, { path: `/v1/chain/proposals/${proposalId}`, signal, action: "getProposal" }),
    chainNow(client, "getProposal"),
  ]);
  return withChainState(client, view as ProposalView, now);
}

export type GetProposalBodyParameters = { proposal: Pick<Proposal, "bodyCid" | "body">; signal?: AbortSignal };
/** The Markdown text. */
export type GetProposalBodyReturnType = string;

/** A proposal's Markdown body: from IPFS through the node, or the description itself. */
export async function getProposalBody(
  client: StoaBaseClient,
  { proposal, signal }: GetProposalBodyParameters,
): Promise<GetProposalBodyReturnType> {
  if (!proposal.bodyCid) return proposal.body ?? "";
  return new TextDecoder().decode(await catContent(client, { cid: proposal.bodyCid, signal }));
}
