import { signInSchema } from "@stoa/protocol/api";
import { holdSession, type StoaBaseClient, type StoaSession } from "../base.ts";
import { nodeJson } from "../http.ts";

export type RefreshSessionParameters = { signal?: AbortSignal };
/** The renewed session: a new token and expiry, same account. Also kept on the client. */
export type RefreshSessionReturnType = StoaSession;

/**
 * Renews the client's session without a new signature (POST /v1/auth/refresh): the node answers a
 * fresh token with a full lifetime and the old token stops working. SessionRequiredError without a
 * session; StoaApiError 401 when the session has ended, or `sign-in-too-old` once the sign-in it
 * descends from is 7 days old (call `signIn` again).
 */
export async function refreshSession(
  client: StoaBaseClient,
  { signal }: RefreshSessionParameters = {},
): Promise<RefreshSessionReturnType> {
  const answer = await nodeJson(client, signInSchema, {
    method: "POST",
    path: "/v1/auth/refresh",
    session: "required",
    signal,
    action: "refreshSession",
  });
  return holdSession(client, answer);
}
