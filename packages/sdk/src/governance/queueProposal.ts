import { keccak256, toHex, type Address, type Hash, type Hex } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import type { Proposal } from "./getProposals.ts";

/** What queue and execute need of a proposal: its calls and description, as `getProposal` returns them. */
export type ProposalRef = Pick<Proposal, "calls" | "description">;

function callsOf(proposal: ProposalRef): readonly [Address[], bigint[], Hex[], Hex] {
  return [
    proposal.calls.map((c) => c.target),
    proposal.calls.map((c) => c.value),
    proposal.calls.map((c) => c.calldata),
    keccak256(toHex(proposal.description)),
  ];
}

export type QueueProposalParameters = { proposal: ProposalRef; onHash?: (hash: Hash) => void };
export type QueueProposalReturnType = WriteContractReturnType;

/** Queues a succeeded proposal in the timelock (StoaGovernor.queue); anyone may. */
export function queueProposal(
  client: StoaBaseClient,
  { proposal, onHash }: QueueProposalParameters,
): Promise<QueueProposalReturnType> {
  return writeContract(client, { contract: "governor", functionName: "queue", args: callsOf(proposal), onHash });
}

export type ExecuteProposalParameters = { proposal: ProposalRef; onHash?: (hash: Hash) => void };
export type ExecuteProposalReturnType = WriteContractReturnType;

/**
 * Executes a queued proposal once the timelock's delay has passed (StoaGovernor.execute); anyone
 * may. ETH the calls send comes from the timelock's balance.
 */
export function executeProposal(
  client: StoaBaseClient,
  { proposal, onHash }: ExecuteProposalParameters,
): Promise<ExecuteProposalReturnType> {
  return writeContract(client, { contract: "governor", functionName: "execute", args: callsOf(proposal), onHash });
}
