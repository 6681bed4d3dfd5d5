/**
 * Opening an index file: the base tables, the layout check, and the schema derived from the
 * spec, created on a new file or rebuilt (in SQL, from the stored bodies, in one transaction)
 * when the spec changed.
 */
import { IndexVersionError } from "../errors.ts";
import type { SqlEngine, SqlStatement } from "./engine.ts";
import { freshScope, settleStatements } from "./ingest.ts";
import { BASE_TABLES, DROP_DERIVED, LAYOUT_VERSION, POLICY_REVOKED, RECORD_COLUMNS, type Schema } from "./schema.ts";

export async function readMeta(engine: SqlEngine): Promise<Map<string, string>> {
  const rows = await engine.all<{ k: string; v: string }>("SELECT k, v FROM meta");
  return new Map(rows.map((row) => [row.k, row.v]));
}

export const setMeta = (k: string, v: string): SqlStatement => ({
  sql: "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
  params: [k, v],
});

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Creates the schema, or rebuilds what derives from the spec when the spec changed. */
export async function prepareSchema(engine: SqlEngine, schema: Schema): Promise<Map<string, string>> {
  await engine.exec(BASE_TABLES);
  const meta = await readMeta(engine);
  const layout = meta.get("layout");
  if (layout !== undefined && Number(layout) !== LAYOUT_VERSION) {
    throw new IndexVersionError(
      `the index file has layout ${layout}; this version of Stoa reads layout ${LAYOUT_VERSION}`,
      Number(layout),
      LAYOUT_VERSION,
    );
  }
  const statements: SqlStatement[] = [];
  if (layout === undefined) {
    statements.push({ sql: schema.recordsTable("records") }, ...schema.extras().map((sql) => ({ sql })));
    statements.push(setMeta("layout", String(LAYOUT_VERSION)));
  } else if (meta.get("spec") !== schema.fingerprint) {
    statements.push(...rebuildStatements(schema));
  }
  if (statements.length === 0 && meta.has("cursor_secret")) return meta;
  if (!meta.has("cursor_secret"))
    statements.push(setMeta("cursor_secret", hex(crypto.getRandomValues(new Uint8Array(32)))));
  statements.push(setMeta("spec", schema.fingerprint));
  await engine.batch(statements);
  return readMeta(engine);
}

/**
 * Rebuilds the records table and all that derives from the spec, in SQL from the stored bodies:
 * one transaction, so that a crash leaves the old index or the new one.
 */
function rebuildStatements(schema: Schema): SqlStatement[] {
  const derived = schema.derived("body");
  const columns = ["rid", ...RECORD_COLUMNS];
  return [
    ...DROP_DERIVED.map((sql) => ({ sql })),
    { sql: "DROP TABLE IF EXISTS records_next" },
    { sql: schema.recordsTable("records_next") },
    {
      sql: `INSERT INTO records_next (${[...columns, ...derived.names].join(", ")})
            SELECT ${[...columns, ...derived.values].join(", ")} FROM records ORDER BY rid`,
    },
    { sql: "DROP TABLE records" },
    { sql: "ALTER TABLE records_next RENAME TO records" },
    ...schema.extras().map((sql) => ({ sql })),
    { sql: "UPDATE ingest_state SET mark = 0" },
    {
      sql: `UPDATE records SET policy = (EXISTS (SELECT 1 FROM denied AS d WHERE d.author = records.author))
              | (EXISTS (SELECT 1 FROM revoked AS v WHERE v.author = records.author AND v.delegate = records.signer
                  AND records.signer != records.author AND records.created_at > v.since) * ${POLICY_REVOKED})`,
    },
    ...settleStatements(schema, freshScope(0), 0),
  ];
}
