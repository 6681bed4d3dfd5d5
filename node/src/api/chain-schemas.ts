/**
 * The zod schemas of the chain routes: query parameters here, and the indexer's views as
 * answered from @stoa/protocol/api (which the SDK reads too).
 */
import { z } from "zod";

export {
  arbiterSchema,
  certificateSchema,
  chainPositionSchema as position,
  chainStatusSchema as statusSchema,
  delegateSchema,
  delegateSummarySchema,
  deniedSchema,
  jobSchema,
  orderSchema,
  proposalSchema,
} from "@stoa/protocol/api";

export const accountParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address (40 hex digits)")
  .transform((value) => value.toLowerCase());
export const page = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, "must be a whole number")
    .transform(Number)
    .optional()
    .describe("1-1000, default 100"),
  offset: z
    .string()
    .regex(/^[0-9]{1,9}$/, "must be a whole number")
    .transform(Number)
    .optional(),
};
export const whole = z.string().regex(/^[0-9]{1,15}$/, "must be a whole number");
