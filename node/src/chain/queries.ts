/**
 * Typed reads of the chain index: orders, jobs and milestones, certificates, proposals and votes,
 * the deny list and the arbiter set, and the raw event log. A current status is derived from the
 * entity's latest event, so a rollback never leaves a stale status behind. Addresses may be given
 * in any case; results carry checksummed addresses, wei as decimal strings, unix seconds.
 */
import type { SqlEngine, SqlValue } from "@stoa/core";
import { getAddress, ZeroAddress } from "ethers";
import type {
  ChainEvent,
  ChainEventKind,
  EventPosition,
  FollowedContract,
  JobTerms,
  MarketOrder,
  Outcome,
  RegistryParams,
  Split,
  VoteSupport,
} from "./events.ts";

type EventOf<K extends ChainEventKind> = Extract<ChainEvent, { kind: K }>;

interface EventRow {
  block_number: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  timestamp: number;
  contract: string;
  kind: string;
  entity: string;
  body: string;
}

/** Paging of a list query: newest first, at most `limit` (default 100, at most 1000). */
export interface Page {
  limit?: number;
  offset?: number;
}

export type OrderStatus = "funded" | "disputed" | "settled";

export interface OrderView extends MarketOrder {
  orderId: number;
  status: OrderStatus;
  /** Who disputed it, if anyone did. */
  disputedBy?: string;
  outcome?: Outcome;
  split?: Split;
  created: EventPosition;
  settled?: EventPosition;
  /** OrderCreated, then OrderDisputed and OrderSettled as they happened. */
  timeline: EventOf<"OrderCreated" | "OrderDisputed" | "OrderSettled">[];
}

export interface OrderFilter extends Page {
  buyer?: string;
  seller?: string;
  arbiter?: string;
  /** Buyer or seller. */
  party?: string;
  listingHash?: string;
  status?: OrderStatus;
}

export type MilestoneStatus =
  "unfunded" | "funded" | "started" | "submitted" | "disputed" | "paid" | "claimed" | "ruled" | "unruled" | "cancelled";

export interface MilestoneView {
  index: number;
  amount: string;
  deadline: number;
  status: MilestoneStatus;
  deliverableCid?: string;
  outcome?: Outcome;
  split?: Split;
  timeline: EventOf<
    | "MilestoneFunded"
    | "MilestoneStarted"
    | "MilestoneSubmitted"
    | "MilestoneDisputed"
    | "MilestoneCancelled"
    | "MilestoneSettled"
  >[];
}

export interface JobView extends JobTerms {
  jobId: number;
  created: EventPosition;
  milestones: MilestoneView[];
}

export interface JobFilter extends Page {
  employer?: string;
  worker?: string;
  arbiter?: string;
  /** Employer or worker. */
  party?: string;
}

export interface CertificateBatchView {
  root: string;
  issuer: string;
  size: number;
  manifestCid: string;
  anchored: EventPosition;
}

export interface RevocationView {
  tokenId: string;
  root: string;
  by: string;
  reasonCid: string;
  at: EventPosition;
}

export interface CertificateView {
  /** The certificate's digest (sha2-256 of its metadata), which is its token id. */
  tokenId: string;
  root: string;
  holder: string;
  claimed: EventPosition;
  /** A revocation of this digest in the claimed batch (the event does not name the recipient). */
  revoked?: RevocationView;
}

/** Off-chain view of a proposal: what its events say. Pending/active/succeeded/defeated depend
 * on time and quorum: ask the governor's `state()` for those. */
export type ProposalStatus = "created" | "queued" | "executed" | "canceled";

export interface VoteView {
  proposalId: string;
  voter: string;
  support: VoteSupport;
  /** Votes (StoaToken wei). */
  weight: string;
  reason: string;
  params?: string;
  at: EventPosition;
}

export interface ProposalView {
  proposalId: string;
  proposer: string;
  targets: string[];
  values: string[];
  signatures: string[];
  calldatas: string[];
  voteStart: number;
  voteEnd: number;
  description: string;
  created: EventPosition;
  status: ProposalStatus;
  /** When a queued proposal may execute (unix seconds). */
  eta?: number;
  /** Sums of the votes' weights (StoaToken wei). */
  tally: Record<VoteSupport, string>;
  /** ProposalCreated, ProposalQueued, ProposalExecuted, ProposalCanceled as they happened. */
  events: EventOf<"ProposalCreated" | "ProposalQueued" | "ProposalExecuted" | "ProposalCanceled">[];
  votes: VoteView[];
}

/** An account's place in StoaToken's delegation, as of the indexed block. */
export interface DelegateView {
  account: string;
  /** Voting power delegated to it (StoaToken wei). */
  votes: string;
  /** Whom it delegates its own balance to; absent if it never delegated (its balance does not vote). */
  delegatee?: string;
  /** Accounts whose balance it votes with now, oldest delegation first (itself included if self-delegated). */
  delegators: { account: string; since: EventPosition }[];
}

/** A row of the delegates' leaderboard. */
export interface DelegateSummary {
  account: string;
  votes: string;
  /** How many accounts delegate to it now. */
  delegators: number;
}

export interface DeniedAccount {
  account: string;
  reasonCid: string;
  /** When the registry denied it (unix seconds). */
  since: number;
  at: EventPosition;
}

export interface ArbiterView {
  arbiter: string;
  profileCid: string;
  at: EventPosition;
}

export interface EventFilter {
  fromBlock?: number;
  toBlock?: number;
  kinds?: ChainEventKind[];
  /** Oldest first; at most `limit` (default 1000, at most 10,000). */
  limit?: number;
}

const ORDER_STATUS_KIND: Record<OrderStatus, string> = {
  funded: "OrderCreated",
  disputed: "OrderDisputed",
  settled: "OrderSettled",
};

const SETTLED_MILESTONE: Record<Outcome, MilestoneStatus> = {
  released: "paid",
  claimed: "claimed",
  refunded: "cancelled",
  ruled: "ruled",
  unruled: "unruled",
};

const EVENT_COLUMNS = "block_number, log_index, block_hash, tx_hash, timestamp, contract, kind, entity, body";
const LATEST_KIND = (entity: string) =>
  `(SELECT kind FROM events x WHERE x.entity = ${entity} ORDER BY x.block_number DESC, x.log_index DESC LIMIT 1)`;

function toEvent(row: EventRow): ChainEvent {
  return {
    ...(JSON.parse(row.body) as object),
    contract: row.contract as FollowedContract,
    block: row.block_number,
    blockHash: row.block_hash,
    txHash: row.tx_hash,
    logIndex: row.log_index,
    timestamp: row.timestamp,
  } as ChainEvent;
}

function position(event: EventPosition): EventPosition {
  const { block, blockHash, txHash, logIndex, timestamp } = event;
  return { block, blockHash, txHash, logIndex, timestamp };
}

const pageOf = (page: Page, max = 1000) => [
  Math.min(Math.max(page.limit ?? 100, 1), max),
  Math.max(page.offset ?? 0, 0),
];
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** `WHERE` clauses and parameters from the set filter fields. */
function where(conditions: [string, SqlValue | undefined][]): { sql: string; params: SqlValue[] } {
  const set = conditions.filter(([, value]) => value !== undefined);
  return {
    sql: set.length === 0 ? "" : `WHERE ${set.map(([clause]) => clause).join(" AND ")}`,
    params: set.flatMap(([clause, value]) => Array.from({ length: clause.split("?").length - 1 }, () => value!)),
  };
}

const address = (value: string | undefined) => (value === undefined ? undefined : getAddress(value));

export class IndexReader {
  readonly #engine: SqlEngine;

  constructor(engine: SqlEngine) {
    this.#engine = engine;
  }

  /** Every event of these entities, oldest first, grouped by entity. */
  async #timelines(entities: readonly string[]): Promise<Map<string, ChainEvent[]>> {
    const byEntity = new Map<string, ChainEvent[]>(entities.map((entity) => [entity, []]));
    if (entities.length === 0) return byEntity;
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE entity IN (${placeholders(entities.length)}) ORDER BY block_number, log_index`,
      entities,
    );
    for (const row of rows) byEntity.get(row.entity)!.push(toEvent(row));
    return byEntity;
  }

  // ---------------------------------------------------------------- marketplace orders

  async order(orderId: number): Promise<OrderView | undefined> {
    return (await this.#orderViews([orderId]))[0];
  }

  /** Orders matching every given field, newest first. */
  async orders(filter: OrderFilter = {}): Promise<OrderView[]> {
    const party = address(filter.party);
    const w = where([
      ["buyer = ?", address(filter.buyer)],
      ["seller = ?", address(filter.seller)],
      ["arbiter = ?", address(filter.arbiter)],
      ["(buyer = ? OR seller = ?)", party],
      ["listing_hash = ?", filter.listingHash?.toLowerCase()],
      [`${LATEST_KIND("'order:' || o.order_id")} = ?`, filter.status && ORDER_STATUS_KIND[filter.status]],
    ]);
    const rows = await this.#engine.all<{ order_id: number }>(
      `SELECT order_id FROM orders o ${w.sql} ORDER BY order_id DESC LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return this.#orderViews(rows.map((row) => row.order_id));
  }

  async #orderViews(orderIds: readonly number[]): Promise<OrderView[]> {
    const timelines = await this.#timelines(orderIds.map((id) => `order:${id}`));
    const views: OrderView[] = [];
    for (const events of timelines.values()) {
      const timeline = events as OrderView["timeline"];
      const created = timeline.find((e) => e.kind === "OrderCreated");
      if (!created) continue;
      const view: OrderView = {
        orderId: created.orderId,
        ...created.order,
        status: "funded",
        created: position(created),
        timeline,
      };
      for (const event of timeline) {
        if (event.kind === "OrderDisputed") Object.assign(view, { status: "disputed", disputedBy: event.by });
        if (event.kind === "OrderSettled") {
          Object.assign(view, {
            status: "settled",
            outcome: event.outcome,
            split: event.split,
            settled: position(event),
          });
        }
      }
      views.push(view);
    }
    return views;
  }

  // ---------------------------------------------------------------- jobs and milestones

  async job(jobId: number): Promise<JobView | undefined> {
    return (await this.#jobViews([jobId]))[0];
  }

  /** Jobs matching every given field, newest first. */
  async jobs(filter: JobFilter = {}): Promise<JobView[]> {
    const party = address(filter.party);
    const w = where([
      ["employer = ?", address(filter.employer)],
      ["worker = ?", address(filter.worker)],
      ["arbiter = ?", address(filter.arbiter)],
      ["(employer = ? OR worker = ?)", party],
    ]);
    const rows = await this.#engine.all<{ job_id: number }>(
      `SELECT job_id FROM jobs ${w.sql} ORDER BY job_id DESC LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return this.#jobViews(rows.map((row) => row.job_id));
  }

  async #jobViews(jobIds: readonly number[]): Promise<JobView[]> {
    const jobs = await this.#timelines(jobIds.map((id) => `job:${id}`));
    const created = [...jobs.values()].flatMap((events) => events.filter((e) => e.kind === "JobCreated"));
    const milestoneEntities = created.flatMap((job) => job.milestones.map((_, i) => `milestone:${job.jobId}:${i}`));
    const timelines = await this.#timelines(milestoneEntities);
    return created.map((job) => ({
      jobId: job.jobId,
      ...job.job,
      created: position(job),
      milestones: job.milestones.map((terms, index) => {
        const timeline = timelines.get(`milestone:${job.jobId}:${index}`)! as MilestoneView["timeline"];
        const view: MilestoneView = { index, ...terms, status: "unfunded", timeline };
        for (const event of timeline) {
          if (event.kind === "MilestoneFunded") view.status = "funded";
          else if (event.kind === "MilestoneStarted") view.status = "started";
          else if (event.kind === "MilestoneSubmitted")
            Object.assign(view, { status: "submitted", deliverableCid: event.deliverableCid });
          else if (event.kind === "MilestoneDisputed") view.status = "disputed";
          else if (event.kind === "MilestoneCancelled") view.status = "cancelled";
          else
            Object.assign(view, {
              status: SETTLED_MILESTONE[event.outcome],
              outcome: event.outcome,
              split: event.split,
            });
        }
        return view;
      }),
    }));
  }

  // ---------------------------------------------------------------- certificates

  async certificateBatch(root: string): Promise<CertificateBatchView | undefined> {
    const events = (await this.#timelines([`batch:${root.toLowerCase()}`])).values().next().value ?? [];
    const anchored = events.find((e) => e.kind === "BatchAnchored");
    if (!anchored) return undefined;
    const { root: r, issuer, size, manifestCid } = anchored;
    return { root: r, issuer, size, manifestCid, anchored: position(anchored) };
  }

  /** Anchored batches, newest first. */
  async certificateBatches(filter: Page & { issuer?: string } = {}): Promise<CertificateBatchView[]> {
    const w = where([["issuer = ?", address(filter.issuer)]]);
    const rows = await this.#engine.all<{ root: string }>(
      `SELECT root FROM cert_batches ${w.sql} ORDER BY block_number DESC, root LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    const batches = await Promise.all(rows.map((row) => this.certificateBatch(row.root)));
    return batches.filter((batch) => batch !== undefined);
  }

  /** A claimed certificate (its soulbound token), with its revocation if any. */
  async certificate(tokenId: string): Promise<CertificateView | undefined> {
    return (await this.#certificateViews([tokenId.toLowerCase()]))[0];
  }

  /** Claimed certificates, newest first. */
  async certificates(filter: Page & { holder?: string; root?: string } = {}): Promise<CertificateView[]> {
    const w = where([
      ["holder = ?", address(filter.holder)],
      ["root = ?", filter.root?.toLowerCase()],
    ]);
    const rows = await this.#engine.all<{ token_id: string }>(
      `SELECT token_id FROM cert_claims ${w.sql} ORDER BY block_number DESC, token_id LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return this.#certificateViews(rows.map((row) => row.token_id));
  }

  async #certificateViews(tokenIds: readonly string[]): Promise<CertificateView[]> {
    const timelines = await this.#timelines(tokenIds.map((id) => `certificate:${id}`));
    const views: CertificateView[] = [];
    for (const events of timelines.values()) {
      const claim = events.findLast((e) => e.kind === "CertificateClaimed");
      if (!claim) continue;
      const revocation = events.find((e) => e.kind === "CertificateRevoked" && e.root === claim.root);
      views.push({
        tokenId: claim.tokenId,
        root: claim.root,
        holder: claim.holder,
        claimed: position(claim),
        ...(revocation?.kind === "CertificateRevoked" ? { revoked: revocationView(revocation) } : {}),
      });
    }
    return views;
  }

  /** Revocations (of claimed or unclaimed certificates), oldest first. */
  async revocations(filter: Page & { root?: string; tokenId?: string } = {}): Promise<RevocationView[]> {
    const w = where([
      ["kind = ?", "CertificateRevoked"],
      ["entity = ?", filter.tokenId && `certificate:${filter.tokenId.toLowerCase()}`],
      ["json_extract(body, '$.root') = ?", filter.root?.toLowerCase()],
    ]);
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events ${w.sql} ORDER BY block_number, log_index LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return rows.map((row) => revocationView(toEvent(row) as EventOf<"CertificateRevoked">));
  }

  // ---------------------------------------------------------------- governance

  async proposal(proposalId: string): Promise<ProposalView | undefined> {
    return (await this.#proposalViews([proposalId]))[0];
  }

  /** Proposals, newest first. */
  async proposals(filter: Page & { proposer?: string } = {}): Promise<ProposalView[]> {
    const w = where([["proposer = ?", address(filter.proposer)]]);
    const rows = await this.#engine.all<{ proposal_id: string }>(
      `SELECT proposal_id FROM proposals ${w.sql} ORDER BY block_number DESC, proposal_id LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return this.#proposalViews(rows.map((row) => row.proposal_id));
  }

  /** Votes of one proposal or one voter, oldest first. */
  async votes(filter: Page & { proposalId?: string; voter?: string } = {}): Promise<VoteView[]> {
    const w = where([
      ["v.proposal_id = ?", filter.proposalId],
      ["v.voter = ?", address(filter.voter)],
    ]);
    const rows = await this.#engine.all<EventRow>(
      `SELECT e.block_number, e.log_index, e.block_hash, e.tx_hash, e.timestamp, e.contract, e.kind, e.entity, e.body ` +
        `FROM votes v JOIN events e USING (block_number, log_index) ${w.sql} ` +
        `ORDER BY v.block_number, v.log_index LIMIT ? OFFSET ?`,
      [...w.params, ...pageOf(filter)],
    );
    return rows.map((row) => voteView(toEvent(row) as EventOf<"VoteCast">));
  }

  async #proposalViews(proposalIds: readonly string[]): Promise<ProposalView[]> {
    const timelines = await this.#timelines(proposalIds.map((id) => `proposal:${id}`));
    const views: ProposalView[] = [];
    for (const events of timelines.values()) {
      const created = events.find((e) => e.kind === "ProposalCreated");
      if (!created) continue;
      const {
        kind: _k,
        contract: _c,
        block: _b,
        blockHash: _h,
        txHash: _t,
        logIndex: _l,
        timestamp: _s,
        ...terms
      } = created;
      const view: ProposalView = {
        ...terms,
        created: position(created),
        status: "created",
        tally: { for: "0", against: "0", abstain: "0" },
        events: [],
        votes: [],
      };
      const tally = { for: 0n, against: 0n, abstain: 0n };
      for (const event of events) {
        if (event.kind === "VoteCast") {
          view.votes.push(voteView(event));
          tally[event.support] += BigInt(event.weight);
          continue;
        }
        view.events.push(event as ProposalView["events"][number]);
        if (event.kind === "ProposalQueued") Object.assign(view, { status: "queued", eta: event.eta });
        if (event.kind === "ProposalExecuted") view.status = "executed";
        if (event.kind === "ProposalCanceled") view.status = "canceled";
      }
      view.tally = { for: tally.for.toString(), against: tally.against.toString(), abstain: tally.abstain.toString() };
      views.push(view);
    }
    return views;
  }

  // ---------------------------------------------------------------- delegation

  /** `account`'s voting power, its delegatee and its delegators. */
  async delegate(account: string): Promise<DelegateView> {
    const who = getAddress(account);
    const [power] = await this.#engine.all<{ votes: string }>(
      "SELECT votes FROM delegate_votes WHERE delegate = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
      [who],
    );
    const [own] = await this.#engine.all<{ delegatee: string }>(
      "SELECT delegatee FROM delegations WHERE delegator = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
      [who],
    );
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE (block_number, log_index) IN (` +
        `SELECT d.block_number, d.log_index FROM delegations d WHERE d.delegatee = ? AND NOT EXISTS ` +
        `(SELECT 1 FROM delegations x WHERE x.delegator = d.delegator AND (x.block_number, x.log_index) > (d.block_number, d.log_index))` +
        `) ORDER BY block_number, log_index`,
      [who],
    );
    const delegatee = own && own.delegatee !== ZeroAddress ? own.delegatee : undefined;
    return {
      account: who,
      votes: power?.votes ?? "0",
      ...(delegatee ? { delegatee } : {}),
      delegators: rows.map(toEvent).map((event) => ({
        account: (event as EventOf<"DelegateChanged">).delegator,
        since: position(event),
      })),
    };
  }

  /** Accounts with voting power, most power first. */
  async delegates(page: Page = {}): Promise<DelegateSummary[]> {
    return this.#engine.all<DelegateSummary>(
      `SELECT v.delegate AS account, v.votes AS votes, ` +
        `(SELECT COUNT(*) FROM delegations d WHERE d.delegatee = v.delegate AND NOT EXISTS ` +
        `(SELECT 1 FROM delegations x WHERE x.delegator = d.delegator AND (x.block_number, x.log_index) > (d.block_number, d.log_index))) AS delegators ` +
        `FROM delegate_votes v WHERE v.votes_order > 0 AND NOT EXISTS ` +
        `(SELECT 1 FROM delegate_votes x WHERE x.delegate = v.delegate AND (x.block_number, x.log_index) > (v.block_number, v.log_index)) ` +
        `ORDER BY v.votes_order DESC, v.delegate LIMIT ? OFFSET ?`,
      pageOf(page),
    );
  }

  // ---------------------------------------------------------------- registry

  /** The accounts the registry denies now, oldest denial first. */
  async deniedAccounts(): Promise<DeniedAccount[]> {
    const rows = await this.#latestOfKinds(["AccountDenied", "AccountAllowed"]);
    return rows
      .filter((event) => event.kind === "AccountDenied")
      .map((event) => ({
        account: event.account,
        reasonCid: event.reasonCid,
        since: event.since,
        at: position(event),
      }));
  }

  /** The account's denial, or undefined if the registry does not deny it. */
  async denial(account: string): Promise<DeniedAccount | undefined> {
    const events = (await this.#timelines([`account:${getAddress(account)}`])).values().next().value ?? [];
    const last = events.at(-1);
    return last?.kind === "AccountDenied"
      ? { account: last.account, reasonCid: last.reasonCid, since: last.since, at: position(last) }
      : undefined;
  }

  /** The current arbiter set (as of the indexed block), in order of joining. */
  async arbiters(): Promise<ArbiterView[]> {
    const rows = await this.#latestOfKinds(["ArbiterAdded", "ArbiterRemoved"]);
    return rows
      .filter((event) => event.kind === "ArbiterAdded")
      .map((event) => ({ arbiter: event.arbiter, profileCid: event.profileCid, at: position(event) }));
  }

  /** The registry's current parameters, from its latest ParamsUpdated. */
  async registryParams(): Promise<RegistryParams | undefined> {
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE kind = 'ParamsUpdated' ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    );
    const latest = rows[0] && toEvent(rows[0]);
    return latest?.kind === "ParamsUpdated" ? latest.current : undefined;
  }

  /** The latest event of every entity that has events of these kinds, oldest first. */
  async #latestOfKinds(kinds: ChainEventKind[]): Promise<ChainEvent[]> {
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE kind IN (${placeholders(kinds.length)}) AND NOT EXISTS ` +
        `(SELECT 1 FROM events x WHERE x.entity = e.entity AND (x.block_number, x.log_index) > (e.block_number, e.log_index)) ` +
        `ORDER BY block_number, log_index`,
      kinds,
    );
    return rows.map(toEvent);
  }

  // ---------------------------------------------------------------- the event log

  /** Indexed events in chain order. */
  async events(filter: EventFilter = {}): Promise<ChainEvent[]> {
    const kinds = filter.kinds ?? [];
    const w = where([
      ["block_number >= ?", filter.fromBlock],
      ["block_number <= ?", filter.toBlock],
    ]);
    const kindClause = kinds.length === 0 ? "" : `${w.sql ? " AND" : "WHERE"} kind IN (${placeholders(kinds.length)})`;
    const rows = await this.#engine.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events ${w.sql}${kindClause} ORDER BY block_number, log_index LIMIT ?`,
      [...w.params, ...kinds, pageOf({ limit: filter.limit ?? 1000 }, 10_000)[0]!],
    );
    return rows.map(toEvent);
  }
}

function revocationView(event: EventOf<"CertificateRevoked">): RevocationView {
  return { tokenId: event.tokenId, root: event.root, by: event.by, reasonCid: event.reasonCid, at: position(event) };
}

function voteView(event: EventOf<"VoteCast">): VoteView {
  const { proposalId, voter, support, weight, reason, params } = event;
  return {
    proposalId,
    voter,
    support,
    weight,
    reason,
    ...(params === undefined ? {} : { params }),
    at: position(event),
  };
}
