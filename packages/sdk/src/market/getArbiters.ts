import { arbiterSchema } from "@stoa/protocol/api";
import { z } from "zod";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

const arbitersSchema = z.object({ arbiters: z.array(arbiterSchema) });

export type GetArbitersParameters = { signal?: AbortSignal };
/** The DAO's arbiters: address, profile CID, and when they were added. */
export type GetArbitersReturnType = z.output<typeof arbiterSchema>[];

/** The arbiters a buyer may name (GET /v1/chain/arbiters, from the registry's events). */
export async function getArbiters(
  client: StoaBaseClient,
  { signal }: GetArbitersParameters = {},
): Promise<GetArbitersReturnType> {
  return (await nodeJson(client, arbitersSchema, { path: "/v1/chain/arbiters", signal, action: "getArbiters" }))
    .arbiters;
}
