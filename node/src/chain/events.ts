/**
 * The contract events the indexer follows, as one typed union (`ChainEvent`), and their decoding
 * from raw logs with the ABIs of the deployment manifest. Conventions: addresses are checksummed,
 * amounts are wei as decimal strings (lossless and JSON-ready), times are unix seconds, order,
 * job and milestone numbers are numbers, proposal ids decimal strings, hashes and certificate
 * token ids (their digest) 0x-prefixed 32-byte hex.
 */
import { getAddress, Interface, type InterfaceAbi, type LogDescription, type Result, toBeHex } from "ethers";
import type { DeploymentManifest } from "../../../scripts/lib/manifest.ts";

/** Where an event happened. */
export interface EventPosition {
  block: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  /** The block's timestamp (unix seconds). */
  timestamp: number;
}

export const OUTCOMES = ["released", "claimed", "refunded", "ruled", "unruled"] as const;
/** How an escrowed payment ended (EscrowMath's `Outcome`). */
export type Outcome = (typeof OUTCOMES)[number];

/** Who received what from a settled payment, in wei of the payment's token. */
export interface Split {
  payer: string;
  payee: string;
  arbiterFee: string;
  protocolFee: string;
}

/** A marketplace order as committed (Marketplace's `Order`). */
export interface MarketOrder {
  buyer: string;
  seller: string;
  arbiter: string;
  /** Payment token; the zero address for ETH. */
  token: string;
  amount: string;
  listingHash: string;
  deliveryDeadline: number;
  protocolFeeBps: number;
  arbiterFeeBps: number;
  rulingPeriod: number;
}

/** A job's terms (JobEscrow's `Job`). */
export interface JobTerms {
  employer: string;
  worker: string;
  arbiter: string;
  token: string;
  jobHash: string;
  protocolFeeBps: number;
  arbiterFeeBps: number;
  rulingPeriod: number;
  reviewPeriod: number;
}

/** StoaRegistry's `Params`. */
export interface RegistryParams {
  protocolFeeBps: number;
  arbiterFeeBps: number;
  minDisputeWindow: number;
  maxDeliveryPeriod: number;
  rulingPeriod: number;
  minArbiterStake: string;
}

/** Vote support, as GovernorCountingSimple counts it. */
export type VoteSupport = "against" | "for" | "abstain";
const SUPPORT: readonly VoteSupport[] = ["against", "for", "abstain"];

/** Every event the indexer follows, by `kind` (the Solidity event name). */
export type ChainEventBody =
  | { kind: "OrderCreated"; orderId: number; order: MarketOrder }
  | { kind: "OrderDisputed"; orderId: number; by: string }
  | { kind: "OrderSettled"; orderId: number; outcome: Outcome; split: Split }
  | { kind: "JobCreated"; jobId: number; job: JobTerms; milestones: { amount: string; deadline: number }[] }
  | { kind: "MilestoneFunded"; jobId: number; index: number; amount: string }
  | { kind: "MilestoneStarted"; jobId: number; index: number }
  | { kind: "MilestoneSubmitted"; jobId: number; index: number; deliverableCid: string }
  | { kind: "MilestoneDisputed"; jobId: number; index: number; by: string }
  | { kind: "MilestoneCancelled"; jobId: number; index: number; by: string }
  | { kind: "MilestoneSettled"; jobId: number; index: number; outcome: Outcome; split: Split }
  | {
      kind: "AssetOrderFilled";
      orderHash: string;
      seller: string;
      buyer: string;
      tokenId: string;
      royalty: string;
      royaltyReceiver: string;
      protocolFee: string;
    }
  | { kind: "AssetOrderCancelled"; seller: string; nonce: string }
  | { kind: "AllAssetOrdersCancelled"; seller: string; newMinNonce: string }
  | { kind: "BatchAnchored"; root: string; issuer: string; size: number; manifestCid: string }
  | { kind: "CertificateClaimed"; tokenId: string; root: string; holder: string }
  | { kind: "CertificateRevoked"; tokenId: string; root: string; by: string; reasonCid: string }
  | {
      kind: "ProposalCreated";
      proposalId: string;
      proposer: string;
      targets: string[];
      values: string[];
      signatures: string[];
      calldatas: string[];
      /** Governor timepoints: unix seconds on StoaToken's timestamp clock. */
      voteStart: number;
      voteEnd: number;
      description: string;
    }
  | {
      kind: "VoteCast";
      proposalId: string;
      voter: string;
      support: VoteSupport;
      weight: string;
      reason: string;
      /** Set for VoteCastWithParams. */
      params?: string;
    }
  | { kind: "ProposalQueued"; proposalId: string; eta: number }
  | { kind: "ProposalExecuted"; proposalId: string }
  | { kind: "ProposalCanceled"; proposalId: string }
  | { kind: "AccountDenied"; account: string; reasonCid: string; since: number }
  | { kind: "AccountAllowed"; account: string; reasonCid: string }
  | { kind: "ArbiterAdded"; arbiter: string; profileCid: string }
  | { kind: "ArbiterRemoved"; arbiter: string }
  | { kind: "ParamsUpdated"; previous: RegistryParams; current: RegistryParams }
  | { kind: "TreasuryUpdated"; previous: string; current: string }
  | { kind: "PaymentTokenSet"; token: string; allowed: boolean }
  | { kind: "DelegateChanged"; delegator: string; fromDelegate: string; toDelegate: string }
  | { kind: "DelegateVotesChanged"; delegate: string; previousVotes: string; newVotes: string };

/** An indexed contract event: what happened, where, and which manifest contract emitted it. */
export type ChainEvent = ChainEventBody & EventPosition & { contract: FollowedContract };
export type ChainEventKind = ChainEventBody["kind"];

/** The manifest keys of the contracts whose events the indexer follows, and the events it decodes. */
export const FOLLOWED = {
  token: ["DelegateChanged", "DelegateVotesChanged"],
  marketplace: ["OrderCreated", "OrderDisputed", "OrderSettled"],
  jobEscrow: [
    "JobCreated",
    "MilestoneFunded",
    "MilestoneStarted",
    "MilestoneSubmitted",
    "MilestoneDisputed",
    "MilestoneCancelled",
    "MilestoneSettled",
  ],
  assetExchange: ["AssetOrderFilled", "AssetOrderCancelled", "AllAssetOrdersCancelled"],
  certificates: ["BatchAnchored", "CertificateClaimed", "CertificateRevoked"],
  governor: [
    "ProposalCreated",
    "VoteCast",
    "VoteCastWithParams",
    "ProposalQueued",
    "ProposalExecuted",
    "ProposalCanceled",
  ],
  registry: [
    "AccountDenied",
    "AccountAllowed",
    "ArbiterAdded",
    "ArbiterRemoved",
    "ParamsUpdated",
    "TreasuryUpdated",
    "PaymentTokenSet",
  ],
} as const;
export type FollowedContract = keyof typeof FOLLOWED;

/** A log as eth_getLogs returns it (hex quantities). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  /** Set by newer clients (geth 1.16+, Hardhat's EDR). */
  blockTimestamp?: string;
  removed?: boolean;
}

const num = (value: unknown): number => Number(value);
const wei = (value: unknown): string => (value as bigint).toString();
const addr = (value: unknown): string => getAddress(value as string);
const str = (value: unknown): string => value as string;
const bytes32 = (value: unknown): string => toBeHex(value as bigint, 32);

function split(value: Result): Split {
  return {
    payer: wei(value.payer),
    payee: wei(value.payee),
    arbiterFee: wei(value.arbiterFee),
    protocolFee: wei(value.protocolFee),
  };
}

function outcome(value: unknown): Outcome {
  const name = OUTCOMES[num(value)];
  if (!name) throw new RangeError(`unknown escrow outcome ${String(value)}`);
  return name;
}

function registryParams(value: Result): RegistryParams {
  return {
    protocolFeeBps: num(value.protocolFeeBps),
    arbiterFeeBps: num(value.arbiterFeeBps),
    minDisputeWindow: num(value.minDisputeWindow),
    maxDeliveryPeriod: num(value.maxDeliveryPeriod),
    rulingPeriod: num(value.rulingPeriod),
    minArbiterStake: wei(value.minArbiterStake),
  };
}

/** The typed body of one decoded log. */
function body({ name, args: a }: LogDescription): ChainEventBody {
  switch (name) {
    case "OrderCreated": {
      const o = a.order as Result;
      return {
        kind: name,
        orderId: num(a.orderId),
        order: {
          buyer: addr(o.buyer),
          seller: addr(o.seller),
          arbiter: addr(o.arbiter),
          token: addr(o.token),
          amount: wei(o.amount),
          listingHash: str(o.listingHash),
          deliveryDeadline: num(o.deliveryDeadline),
          protocolFeeBps: num(o.protocolFeeBps),
          arbiterFeeBps: num(o.arbiterFeeBps),
          rulingPeriod: num(o.rulingPeriod),
        },
      };
    }
    case "OrderDisputed":
      return { kind: name, orderId: num(a.orderId), by: addr(a.by) };
    case "OrderSettled":
      return { kind: name, orderId: num(a.orderId), outcome: outcome(a.outcome), split: split(a.split as Result) };
    case "JobCreated": {
      const j = a.job as Result;
      return {
        kind: name,
        jobId: num(a.jobId),
        job: {
          employer: addr(j.employer),
          worker: addr(j.worker),
          arbiter: addr(j.arbiter),
          token: addr(j.token),
          jobHash: str(j.jobHash),
          protocolFeeBps: num(j.protocolFeeBps),
          arbiterFeeBps: num(j.arbiterFeeBps),
          rulingPeriod: num(j.rulingPeriod),
          reviewPeriod: num(j.reviewPeriod),
        },
        milestones: (a.milestones as Result[]).map((m) => ({ amount: wei(m.amount), deadline: num(m.deadline) })),
      };
    }
    case "MilestoneFunded":
      return { kind: name, jobId: num(a.jobId), index: num(a.index), amount: wei(a.amount) };
    case "MilestoneStarted":
      return { kind: name, jobId: num(a.jobId), index: num(a.index) };
    case "MilestoneSubmitted":
      return { kind: name, jobId: num(a.jobId), index: num(a.index), deliverableCid: str(a.deliverableCid) };
    case "MilestoneDisputed":
    case "MilestoneCancelled":
      return { kind: name, jobId: num(a.jobId), index: num(a.index), by: addr(a.by) };
    case "MilestoneSettled":
      return {
        kind: name,
        jobId: num(a.jobId),
        index: num(a.index),
        outcome: outcome(a.outcome),
        split: split(a.split as Result),
      };
    case "AssetOrderFilled":
      return {
        kind: name,
        orderHash: str(a.orderHash),
        seller: addr(a.seller),
        buyer: addr(a.buyer),
        tokenId: wei(a.tokenId),
        royalty: wei(a.royalty),
        royaltyReceiver: addr(a.royaltyReceiver),
        protocolFee: wei(a.protocolFee),
      };
    case "AssetOrderCancelled":
      return { kind: name, seller: addr(a.seller), nonce: wei(a.nonce) };
    case "AllAssetOrdersCancelled":
      return { kind: name, seller: addr(a.seller), newMinNonce: wei(a.newMinNonce) };
    case "BatchAnchored":
      return {
        kind: name,
        root: str(a.root),
        issuer: addr(a.issuer),
        size: num(a.size),
        manifestCid: str(a.manifestCid),
      };
    case "CertificateClaimed":
      return { kind: name, tokenId: bytes32(a.tokenId), root: str(a.root), holder: addr(a.holder) };
    case "CertificateRevoked":
      return {
        kind: name,
        tokenId: bytes32(a.tokenId),
        root: str(a.root),
        by: addr(a.by),
        reasonCid: str(a.reasonCid),
      };
    case "ProposalCreated":
      return {
        kind: name,
        proposalId: wei(a.proposalId),
        proposer: addr(a.proposer),
        targets: (a.targets as string[]).map(addr),
        // `values` would be Result.values(), the method: read the field by name.
        values: (a.getValue("values") as bigint[]).map(wei),
        signatures: [...(a.signatures as string[])],
        calldatas: [...(a.calldatas as string[])],
        voteStart: num(a.voteStart),
        voteEnd: num(a.voteEnd),
        description: str(a.description),
      };
    case "VoteCast":
    case "VoteCastWithParams":
      return {
        kind: "VoteCast",
        proposalId: wei(a.proposalId),
        voter: addr(a.voter),
        support: SUPPORT[num(a.support)] ?? "abstain",
        weight: wei(a.weight),
        reason: str(a.reason),
        ...(name === "VoteCastWithParams" ? { params: str(a.params) } : {}),
      };
    case "ProposalQueued":
      return { kind: name, proposalId: wei(a.proposalId), eta: num(a.etaSeconds) };
    case "ProposalExecuted":
    case "ProposalCanceled":
      return { kind: name, proposalId: wei(a.proposalId) };
    case "AccountDenied":
      return { kind: name, account: addr(a.account), reasonCid: str(a.reasonCid), since: num(a.since) };
    case "AccountAllowed":
      return { kind: name, account: addr(a.account), reasonCid: str(a.reasonCid) };
    case "ArbiterAdded":
      return { kind: name, arbiter: addr(a.arbiter), profileCid: str(a.profileCid) };
    case "ArbiterRemoved":
      return { kind: name, arbiter: addr(a.arbiter) };
    case "ParamsUpdated":
      return {
        kind: name,
        previous: registryParams(a.previous as Result),
        current: registryParams(a.current as Result),
      };
    case "TreasuryUpdated":
      return { kind: name, previous: addr(a.previous), current: addr(a.current) };
    case "PaymentTokenSet":
      return { kind: name, token: addr(a.token), allowed: a.allowed as boolean };
    case "DelegateChanged":
      return {
        kind: name,
        delegator: addr(a.delegator),
        fromDelegate: addr(a.fromDelegate),
        toDelegate: addr(a.toDelegate),
      };
    case "DelegateVotesChanged":
      return { kind: name, delegate: addr(a.delegate), previousVotes: wei(a.previousVotes), newVotes: wei(a.newVotes) };
    default:
      throw new RangeError(`the indexer does not follow ${name}`);
  }
}

/**
 * Decodes the followed events of a deployment's contracts. `addresses` and `topics` are the
 * eth_getLogs filter that selects exactly them.
 */
export class EventDecoder {
  readonly addresses: string[];
  readonly topics: string[];
  readonly #byAddress = new Map<string, { contract: FollowedContract; iface: Interface; events: Set<string> }>();

  constructor(manifest: DeploymentManifest) {
    const topics = new Set<string>();
    for (const [contract, events] of Object.entries(FOLLOWED) as [FollowedContract, readonly string[]][]) {
      const deployed = manifest.contracts[contract]!;
      const iface = new Interface(deployed.abi as InterfaceAbi);
      for (const event of events) topics.add(iface.getEvent(event)!.topicHash);
      this.#byAddress.set(deployed.address.toLowerCase(), { contract, iface, events: new Set(events) });
    }
    this.addresses = [...this.#byAddress.keys()];
    this.topics = [...topics];
  }

  /** The event of `log`, or undefined for a log the indexer does not follow. */
  decode(log: RawLog, timestamp: number): ChainEvent | undefined {
    const source = this.#byAddress.get(log.address.toLowerCase());
    const parsed = source?.iface.parseLog({ topics: log.topics, data: log.data });
    // The topic filter is shared by all contracts: skip another contract's event of the same name.
    if (!source || !parsed || !source.events.has(parsed.name)) return undefined;
    return {
      ...body(parsed),
      contract: source.contract,
      block: Number(log.blockNumber),
      blockHash: log.blockHash,
      txHash: log.transactionHash,
      logIndex: Number(log.logIndex),
      timestamp,
    };
  }
}
