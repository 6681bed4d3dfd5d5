/**
 * Ingest as one transaction of set-based statements: insert the new records (known ids are
 * skipped, so ingest is idempotent), then settle, for the things they touch only, the quota,
 * which version is current, and the FTS rows. Every decision is recomputed from all the
 * versions held, never from arrival order, so that any order of the same entries gives the
 * same index.
 */
import { canonicalJson, type VerifiedRecord } from "@stoa/protocol";
import type { SqlStatement, SqlValue } from "./engine.ts";
import { NO_MARK, POLICY_QUOTA, POLICY_REVOKED, RECORD_COLUMNS, type Schema } from "./schema.ts";

export interface IngestEntry {
  entryHash: string;
  records: VerifiedRecord[];
}

/** A tie-breaker from the id (52 bits of the digest): order by (createdAt, ord) never depends on arrival. */
export function ordOf(id: string): number {
  const ord = Number.parseInt(id.slice(2, 15), 16);
  return Number.isSafeInteger(ord) ? ord : 0;
}

/** The INSERT of one record (?1..?12 in RECORD_COLUMNS order). */
export function insertSql(schema: Schema): string {
  const derived = schema.derived("?12");
  const columns = [...RECORD_COLUMNS, "policy", ...derived.names];
  const policy =
    "(EXISTS (SELECT 1 FROM denied WHERE author = ?4)) | " +
    `(EXISTS (SELECT 1 FROM revoked WHERE author = ?4 AND delegate = ?5 AND ?5 != ?4 AND since < ?6) * ${POLICY_REVOKED})`;
  const values = [...RECORD_COLUMNS.map((_, i) => `?${i + 1}`), policy, ...derived.values];
  return `INSERT INTO records (${columns.join(", ")}) VALUES (${values.join(", ")}) ON CONFLICT (id) DO NOTHING`;
}

function recordParams(entryHash: string, record: VerifiedRecord): SqlValue[] {
  return [
    record.id,
    record.type,
    record.v,
    record.author,
    record.signer,
    record.createdAt,
    ordOf(record.id),
    record.key ?? null,
    record.envelopeId === record.id ? null : record.envelopeId,
    record.index,
    entryHash,
    canonicalJson(record.body),
  ];
}

/** The records a settle looks at: a condition on `records` columns and its parameters. */
export interface Scope {
  where: string;
  params: SqlValue[];
  /**
   * How to read them for DISTINCT: "NOT INDEXED" keeps a rowid range a range (the planner
   * otherwise walks a whole covering index to get distinct rows sorted).
   */
  hint?: "NOT INDEXED";
}

/** The records an ingest just inserted: rowids above the mark. */
export function freshScope(mark: number): Scope {
  return { where: "rid > ?", params: [mark], hint: "NOT INDEXED" };
}

/**
 * Statements that settle the things of the records in `scope`: quota, current versions, FTS rows.
 * Rows changed on the way keep FTS in step through the triggers, except those above `freshAbove`
 * (the ones an ingest just inserted), added to FTS in one statement at the end.
 */
export function settleStatements(schema: Schema, scope: Scope, freshAbove?: number): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const quota = schema.spec.quota;
  const revoked = `(policy & ${POLICY_REVOKED})`;
  if (quota !== undefined) {
    statements.push(
      {
        // A thing's place in the author's quota is its first version's (versions by a revoked app key aside).
        sql: `INSERT INTO things (author, type, k, first)
              SELECT author, type, coalesce(key, id), min(printf('%013d', created_at) || id)
              FROM records WHERE ${scope.where} AND ${revoked} = 0 GROUP BY author, type, coalesce(key, id)
              ON CONFLICT (author, type, k) DO UPDATE SET first = excluded.first WHERE excluded.first < things.first`,
        params: scope.params,
      },
      {
        // Only authors above their quota are ranked (a count over their things otherwise).
        sql: `WITH heavy AS (
                SELECT author FROM things WHERE author IN (SELECT author FROM records WHERE ${scope.where})
                GROUP BY author HAVING count(*) > ${quota}
              ), ranked AS (
                SELECT author, type, k, row_number() OVER (PARTITION BY author ORDER BY first) AS n
                FROM things WHERE author IN heavy
              )
              UPDATE things SET over = (ranked.n > ${quota}) FROM ranked
              WHERE things.author = ranked.author AND things.type = ranked.type AND things.k = ranked.k
                AND things.over != (ranked.n > ${quota})`,
        params: scope.params,
      },
      {
        sql: `UPDATE records SET policy = policy | ${POLICY_QUOTA}
              WHERE ${scope.where} AND (policy & ${POLICY_QUOTA}) = 0 AND EXISTS (
                SELECT 1 FROM things AS t WHERE t.author = records.author AND t.type = records.type
                  AND t.k = coalesce(records.key, records.id) AND t.over = 1)`,
        params: scope.params,
      },
    );
  }
  statements.push(
    {
      // The current version of each touched thing: latest createdAt, then highest id; versions
      // signed by a revoked app key are set aside, so the one before them shows again.
      sql: `WITH touched AS (
              SELECT DISTINCT author, type, key FROM records ${scope.hint ?? ""} WHERE ${scope.where} AND key IS NOT NULL
            ), heads AS (
              SELECT author, type, key, (
                SELECT h.rid FROM records AS h
                WHERE h.author = touched.author AND h.type = touched.type AND h.key = touched.key
                  AND (h.policy & ${POLICY_REVOKED}) = 0
                ORDER BY h.created_at DESC, h.ord DESC, h.id DESC LIMIT 1
              ) AS head FROM touched
            )
            UPDATE records SET current = (records.rid IS heads.head) FROM heads
            WHERE records.author = heads.author AND records.type = heads.type AND records.key = heads.key
              AND records.current != (records.rid IS heads.head)`,
      params: scope.params,
    },
    {
      sql: `UPDATE records SET current = (${revoked} = 0)
            WHERE ${scope.where} AND key IS NULL AND current != (${revoked} = 0)`,
      params: scope.params,
    },
  );
  if (freshAbove !== undefined) {
    if (schema.hasText) {
      const columns = [...schema.textColumns, ...schema.facetColumns.values()].join(", ");
      statements.push({
        sql: `INSERT INTO fts (rowid, ${columns}) SELECT ${schema.ftsValues("r")} FROM records AS r
              WHERE r.rid > ? AND r.current = 1 AND r.policy = 0 ORDER BY r.rid`,
        params: [freshAbove],
      });
    }
    statements.push({ sql: "UPDATE ingest_state SET mark = ?", params: [NO_MARK] });
  }
  return statements;
}

/** The transaction that ingests `entries`, given the highest rid before it (`mark`). */
export function ingestStatements(schema: Schema, entries: readonly IngestEntry[], mark: number): SqlStatement[] {
  const insert = insertSql(schema);
  const statements: SqlStatement[] = [{ sql: "UPDATE ingest_state SET mark = ?", params: [mark] }];
  for (const { entryHash, records } of entries) {
    statements.push({
      sql: "INSERT OR IGNORE INTO entries (hash, records) VALUES (?, ?)",
      params: [entryHash, records.length],
    });
    for (const record of records) statements.push({ sql: insert, params: recordParams(entryHash, record) });
  }
  statements.push(...settleStatements(schema, freshScope(mark), mark));
  return statements;
}
