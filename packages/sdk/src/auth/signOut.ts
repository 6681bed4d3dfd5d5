import type { StoaBaseClient } from "../base.ts";
import { nodeFetch } from "../http.ts";

export type SignOutParameters = Record<string, never>;
export type SignOutReturnType = void;

/** Ends the client's session on the node (its token stops working) and forgets it. No session: nothing to do. */
export async function signOut(client: StoaBaseClient, _parameters: SignOutParameters = {}): Promise<SignOutReturnType> {
  if (!client.session) return;
  try {
    await nodeFetch(client, { method: "POST", path: "/v1/auth/logout", session: "required", action: "signOut" });
  } finally {
    client.session = undefined;
  }
}
