import { readySchema, type ApiReady } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeUrlOf, parseAnswer } from "../http.ts";
import { StoaNetworkError } from "../errors.ts";

export type GetHealthParameters = { signal?: AbortSignal };
/** `ready` when the node is started (`node`) and its chain indexer has caught up (`chain`). */
export type GetHealthReturnType = ApiReady;

/**
 * Whether the node is ready to serve (GET /v1/ready). Never throws for a node that is not ready
 * yet: it answers `ready: false` with what is missing.
 */
export async function getHealth(
  client: StoaBaseClient,
  { signal }: GetHealthParameters = {},
): Promise<GetHealthReturnType> {
  const url = `${nodeUrlOf(client, "getHealth")}/v1/ready`;
  let response: Response;
  try {
    response = await client.fetch(url, { headers: { accept: "application/json" }, signal });
  } catch (error) {
    throw new StoaNetworkError(`could not reach the node at ${url}: ${(error as Error).message}`, { cause: error });
  }
  // 503 carries the same body: what is not ready yet.
  return parseAnswer(readySchema, await response.json().catch(() => undefined), "/v1/ready");
}
