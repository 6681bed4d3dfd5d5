/** The JSON error answer of every route of the node's HTTP API. */
import { z } from "zod";

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe("Stable, machine-readable: invalid-record, unauthorized, not-found, ..."),
      message: z.string(),
      field: z.string().optional().describe("Dotted path of the offending field, when one is at fault"),
      reason: z.string().optional().describe("Why the node's policy refused a write"),
    }),
  })
  .meta({ id: "Error" });

export type ApiErrorBody = z.output<typeof errorSchema>;
