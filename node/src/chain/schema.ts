/**
 * The chain index's SQLite schema. `events` is the source of truth: every followed event in chain
 * order, with its typed body as JSON and the entity it belongs to (`order:7`, `milestone:3:0`,
 * `proposal:<id>`, `account:<address>`, ...), so that a timeline is one index range and a current
 * status is the entity's latest event. The other tables only index what queries filter on. Every
 * row carries the block it came from, so that a reorg rolls back with one `DELETE ... WHERE
 * block_number > fork` per table, and nothing is ever updated in place.
 */

/** Bumped on any incompatible change: an index of another version is rebuilt from the chain. */
export const INDEX_SCHEMA_VERSION = 2;

/** Tables whose rows belong to one block (rolled back with it). */
export const BLOCK_TABLES = [
  "events",
  "orders",
  "jobs",
  "cert_batches",
  "cert_claims",
  "proposals",
  "votes",
  "delegations",
  "delegate_votes",
  "blocks",
];

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Hashes of recently indexed blocks (the reorg window) and of range ends: a reorg is found by
-- comparing them with the chain.
CREATE TABLE IF NOT EXISTS blocks (
  block_number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  contract TEXT NOT NULL,
  kind TEXT NOT NULL,
  entity TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_by_entity ON events (entity, block_number, log_index);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, block_number, log_index);

CREATE TABLE IF NOT EXISTS orders (
  order_id INTEGER PRIMARY KEY,
  buyer TEXT NOT NULL,
  seller TEXT NOT NULL,
  arbiter TEXT NOT NULL,
  listing_hash TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_buyer ON orders (buyer);
CREATE INDEX IF NOT EXISTS orders_by_seller ON orders (seller);
CREATE INDEX IF NOT EXISTS orders_by_arbiter ON orders (arbiter);
CREATE INDEX IF NOT EXISTS orders_by_listing ON orders (listing_hash);

CREATE TABLE IF NOT EXISTS jobs (
  job_id INTEGER PRIMARY KEY,
  employer TEXT NOT NULL,
  worker TEXT NOT NULL,
  arbiter TEXT NOT NULL,
  job_hash TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_employer ON jobs (employer);
CREATE INDEX IF NOT EXISTS jobs_by_worker ON jobs (worker);

CREATE TABLE IF NOT EXISTS cert_batches (
  root TEXT PRIMARY KEY,
  issuer TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cert_batches_by_issuer ON cert_batches (issuer);

CREATE TABLE IF NOT EXISTS cert_claims (
  token_id TEXT PRIMARY KEY,
  root TEXT NOT NULL,
  holder TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cert_claims_by_holder ON cert_claims (holder);
CREATE INDEX IF NOT EXISTS cert_claims_by_root ON cert_claims (root);

CREATE TABLE IF NOT EXISTS proposals (
  proposal_id TEXT PRIMARY KEY,
  proposer TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS proposals_by_proposer ON proposals (proposer);

CREATE TABLE IF NOT EXISTS votes (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  proposal_id TEXT NOT NULL,
  voter TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS votes_by_proposal ON votes (proposal_id);
CREATE INDEX IF NOT EXISTS votes_by_voter ON votes (voter);

-- StoaToken delegations: one row per DelegateChanged; an account's delegate is its latest row.
CREATE TABLE IF NOT EXISTS delegations (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  delegator TEXT NOT NULL,
  delegatee TEXT NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delegations_by_delegator ON delegations (delegator, block_number, log_index);
CREATE INDEX IF NOT EXISTS delegations_by_delegatee ON delegations (delegatee);

-- Voting power: one row per DelegateVotesChanged; a delegate's power is its latest row.
-- votes_order is the power as a REAL, to sort by (votes is exact).
CREATE TABLE IF NOT EXISTS delegate_votes (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  delegate TEXT NOT NULL,
  votes TEXT NOT NULL,
  votes_order REAL NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delegate_votes_by_delegate ON delegate_votes (delegate, block_number, log_index);
`;
