/**
 * Records over the API: envelopes written, records stored (with where they came from), pages of
 * a query, and the JSON query itself. Envelopes use the protocol's own shapes, so that the API
 * states exactly what `verifyEnvelope` accepts.
 */
import { z } from "zod";
import { batchShape, recordShape } from "../envelope.ts";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const address = z.string().regex(/^0x[0-9a-f]{40}$/, "must be a lower-case 0x address (40 hex digits)");

export const envelopeSchema = z.union([recordShape, batchShape]).meta({
  id: "Envelope",
  description:
    'A signed record, or an author batch (`type: "batch"`) of records under one signature. ' +
    "Bodies are checked against their type's versioned schema, ids are EIP-712 digests.",
});

export const storedRecordSchema = z
  .object({
    id: hex32.describe("EIP-712 digest of the record"),
    type: z.string(),
    v: z.number().int(),
    author: address,
    createdAt: z.number().int().describe("ms since the epoch, as signed"),
    body: z.unknown(),
    signer: address.describe("The author, or the app key that signed under its delegation"),
    key: z.string().optional().describe("Versioned records: later versions under the same key replace earlier ones"),
    envelopeId: hex32,
    index: z.number().int().describe("Place in its author batch (0 for a single record)"),
    entryHash: z.string().describe("The OrbitDB entry that carried it"),
    current: z.boolean().describe("Whether it is the current version of its thing"),
  })
  .meta({ id: "StoredRecord" });

export const putResultSchema = z
  .object({
    id: hex32.describe("The envelope's id: the record's digest, or the batch's"),
    entry: z.string().describe("The OrbitDB entry that carries it"),
    records: z.array(storedRecordSchema),
  })
  .meta({ id: "PutResult" });

export const pageSchema = z
  .object({
    items: z.array(storedRecordSchema),
    next: z.string().optional().describe("Cursor of the next page, if there is one"),
  })
  .meta({ id: "RecordPage" });

const scalar = z.union([z.string(), z.number()]);

export const recordQuerySchema = z
  .strictObject({
    filters: z
      .record(
        z.string(),
        z.union([scalar, z.array(z.string()), z.strictObject({ gte: scalar.optional(), lte: scalar.optional() })]),
      )
      .optional()
      .describe("By the family's filter names: a value, a list of values, or a { gte, lte } range"),
    author: z.string().optional(),
    type: z.string().optional(),
    text: z.string().optional().describe("Words to find (families with text)"),
    sort: z.string().optional().describe("newest, oldest, relevance, or a sort of the family"),
    limit: z.number().int().optional().describe("1-100, default 20"),
    cursor: z.string().optional(),
    history: z.boolean().optional().describe("Superseded versions too"),
  })
  .meta({ id: "RecordQuery" });

/** A record as the node stores and answers it. */
export type ApiStoredRecord = z.output<typeof storedRecordSchema>;
export type ApiPutResult = z.output<typeof putResultSchema>;
export type ApiRecordPage = z.output<typeof pageSchema>;
export type ApiRecordQuery = z.input<typeof recordQuerySchema>;
