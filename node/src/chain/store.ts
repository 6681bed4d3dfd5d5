/**
 * Writes of the chain index: a block range's events in one transaction together with the new
 * cursor (so that a crash leaves either the whole range or none of it), rollback to a fork point,
 * and reset. Reads are in queries.ts.
 */
import type { SqlEngine, SqlStatement } from "@stoa/core";
import type { ChainEvent } from "./events.ts";
import { BLOCK_TABLES, INDEX_SCHEMA_VERSION, SCHEMA_SQL } from "./schema.ts";

/** A block header as the indexer keeps it. */
export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
}

/** Where the chain the index follows starts, and which deployment it indexes. */
export interface ChainIdentity {
  chainId: number;
  genesisHash: string;
  /** Identifies the deployment (addresses and start block): another one means another index. */
  deployment: string;
}

/** The entity an event belongs to: its timeline is every event of that entity. */
export function entityOf(event: ChainEvent): string {
  switch (event.kind) {
    case "OrderCreated":
    case "OrderDisputed":
    case "OrderSettled":
      return `order:${event.orderId}`;
    case "JobCreated":
      return `job:${event.jobId}`;
    case "MilestoneFunded":
    case "MilestoneStarted":
    case "MilestoneSubmitted":
    case "MilestoneDisputed":
    case "MilestoneCancelled":
    case "MilestoneSettled":
      return `milestone:${event.jobId}:${event.index}`;
    case "AssetOrderFilled":
    case "AssetOrderCancelled":
    case "AllAssetOrdersCancelled":
      return `seller:${event.seller}`;
    case "BatchAnchored":
      return `batch:${event.root}`;
    case "CertificateClaimed":
    case "CertificateRevoked":
      return `certificate:${event.tokenId}`;
    case "ProposalCreated":
    case "VoteCast":
    case "ProposalQueued":
    case "ProposalExecuted":
    case "ProposalCanceled":
      return `proposal:${event.proposalId}`;
    case "AccountDenied":
    case "AccountAllowed":
      return `account:${event.account}`;
    case "ArbiterAdded":
    case "ArbiterRemoved":
      return `arbiter:${event.arbiter}`;
    case "ParamsUpdated":
      return "registry:params";
    case "TreasuryUpdated":
      return "registry:treasury";
    case "PaymentTokenSet":
      return `paymentToken:${event.token}`;
    case "DelegateChanged":
      return `delegator:${event.delegator}`;
    case "DelegateVotesChanged":
      return `delegate:${event.delegate}`;
  }
}

/** The filter-table row of an event, if it has one. */
function lookupRow(event: ChainEvent): SqlStatement | undefined {
  const b = event.block;
  switch (event.kind) {
    case "OrderCreated": {
      const o = event.order;
      return {
        sql: "INSERT OR REPLACE INTO orders (order_id, buyer, seller, arbiter, listing_hash, block_number) VALUES (?, ?, ?, ?, ?, ?)",
        params: [event.orderId, o.buyer, o.seller, o.arbiter, o.listingHash, b],
      };
    }
    case "JobCreated": {
      const j = event.job;
      return {
        sql: "INSERT OR REPLACE INTO jobs (job_id, employer, worker, arbiter, job_hash, block_number) VALUES (?, ?, ?, ?, ?, ?)",
        params: [event.jobId, j.employer, j.worker, j.arbiter, j.jobHash, b],
      };
    }
    case "BatchAnchored":
      return {
        sql: "INSERT OR REPLACE INTO cert_batches (root, issuer, block_number) VALUES (?, ?, ?)",
        params: [event.root, event.issuer, b],
      };
    case "CertificateClaimed":
      return {
        sql: "INSERT OR REPLACE INTO cert_claims (token_id, root, holder, block_number) VALUES (?, ?, ?, ?)",
        params: [event.tokenId, event.root, event.holder, b],
      };
    case "ProposalCreated":
      return {
        sql: "INSERT OR REPLACE INTO proposals (proposal_id, proposer, block_number) VALUES (?, ?, ?)",
        params: [event.proposalId, event.proposer, b],
      };
    case "VoteCast":
      return {
        sql: "INSERT OR REPLACE INTO votes (block_number, log_index, proposal_id, voter) VALUES (?, ?, ?, ?)",
        params: [b, event.logIndex, event.proposalId, event.voter],
      };
    case "DelegateChanged":
      return {
        sql: "INSERT OR REPLACE INTO delegations (block_number, log_index, delegator, delegatee) VALUES (?, ?, ?, ?)",
        params: [b, event.logIndex, event.delegator, event.toDelegate],
      };
    case "DelegateVotesChanged":
      return {
        sql: "INSERT OR REPLACE INTO delegate_votes (block_number, log_index, delegate, votes, votes_order) VALUES (?, ?, ?, ?, ?)",
        params: [b, event.logIndex, event.delegate, event.newVotes, Number(event.newVotes)],
      };
    default:
      return undefined;
  }
}

/** The event's body without its position (stored once, in the row's columns). */
function bodyJson(event: ChainEvent): string {
  const { block: _b, blockHash: _h, txHash: _t, logIndex: _l, timestamp: _s, contract: _c, ...body } = event;
  return JSON.stringify(body);
}

export class IndexStore {
  readonly engine: SqlEngine;

  constructor(engine: SqlEngine) {
    this.engine = engine;
  }

  /** Creates the schema; an index of another schema version is emptied (it is derived data). */
  async open(): Promise<void> {
    await this.engine.exec(SCHEMA_SQL);
    const version = await this.getMeta("schema");
    if (version !== undefined && Number(version) !== INDEX_SCHEMA_VERSION) await this.reset();
    await this.setMeta("schema", String(INDEX_SCHEMA_VERSION));
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.engine.all<{ value: string }>("SELECT value FROM meta WHERE key = ?", [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.engine.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value]);
  }

  async identity(): Promise<ChainIdentity | undefined> {
    const text = await this.getMeta("identity");
    return text === undefined ? undefined : (JSON.parse(text) as ChainIdentity);
  }

  async setIdentity(identity: ChainIdentity): Promise<void> {
    await this.setMeta("identity", JSON.stringify(identity));
  }

  /** The last indexed block, or undefined when nothing is indexed yet. */
  async cursor(): Promise<{ number: number; hash: string } | undefined> {
    const text = await this.getMeta("cursor");
    return text === undefined ? undefined : (JSON.parse(text) as { number: number; hash: string });
  }

  /**
   * Indexes one block range in one transaction: its events, the headers to remember, and the new
   * cursor (the range's last block); forgets headers at or below `pruneBelow`.
   */
  async applyRange(range: {
    events: readonly ChainEvent[];
    headers: readonly BlockHeader[];
    cursor: BlockHeader;
    pruneBelow: number;
  }): Promise<void> {
    const statements: SqlStatement[] = [];
    for (const event of range.events) {
      statements.push({
        sql:
          "INSERT OR REPLACE INTO events (block_number, log_index, block_hash, tx_hash, timestamp, contract, kind, entity, body) " +
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params: [
          event.block,
          event.logIndex,
          event.blockHash,
          event.txHash,
          event.timestamp,
          event.contract,
          event.kind,
          entityOf(event),
          bodyJson(event),
        ],
      });
      const lookup = lookupRow(event);
      if (lookup) statements.push(lookup);
    }
    for (const header of range.headers) {
      statements.push({
        sql: "INSERT OR REPLACE INTO blocks (block_number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?)",
        params: [header.number, header.hash, header.parentHash, header.timestamp],
      });
    }
    statements.push({ sql: "DELETE FROM blocks WHERE block_number <= ?", params: [range.pruneBelow] });
    statements.push({
      sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)",
      params: [JSON.stringify({ number: range.cursor.number, hash: range.cursor.hash })],
    });
    await this.engine.batch(statements);
  }

  /** Remembered headers at or below `block`, newest first (candidates for a fork point). */
  async headersAtOrBelow(block: number, limit: number): Promise<BlockHeader[]> {
    return this.engine.all<BlockHeader>(
      "SELECT block_number AS number, hash, parent_hash AS parentHash, timestamp FROM blocks " +
        "WHERE block_number <= ? ORDER BY block_number DESC LIMIT ?",
      [block, limit],
    );
  }

  /** Forgets everything indexed above `fork` (a block still on the chain) and moves the cursor to it. */
  async rollback(fork: BlockHeader): Promise<void> {
    await this.engine.batch([
      ...BLOCK_TABLES.map((table) => ({ sql: `DELETE FROM ${table} WHERE block_number > ?`, params: [fork.number] })),
      {
        sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)",
        params: [JSON.stringify({ number: fork.number, hash: fork.hash })],
      },
    ]);
  }

  /** Forgets everything: the chain the index followed is gone. */
  async reset(): Promise<void> {
    await this.engine.batch([
      ...BLOCK_TABLES.map((table) => ({ sql: `DELETE FROM ${table}` })),
      { sql: "DELETE FROM meta WHERE key IN ('cursor', 'identity')" },
    ]);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
