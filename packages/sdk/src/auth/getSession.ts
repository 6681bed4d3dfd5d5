import { sessionSchema, type ApiSession } from "@stoa/protocol/api";
import type { StoaBaseClient } from "../base.ts";
import { nodeJson } from "../http.ts";

export type GetSessionParameters = { signal?: AbortSignal };
/** The signed-in account (lower case), the chain id it signed for, and the expiry (ISO 8601). */
export type GetSessionReturnType = ApiSession;

/** The session as the node sees it (GET /v1/auth/session); SessionRequiredError without one. */
export function getSession(
  client: StoaBaseClient,
  { signal }: GetSessionParameters = {},
): Promise<GetSessionReturnType> {
  return nodeJson(client, sessionSchema, {
    path: "/v1/auth/session",
    session: "required",
    signal,
    action: "getSession",
  });
}
