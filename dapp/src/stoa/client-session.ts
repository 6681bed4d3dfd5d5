/**
 * The SDK client keeps its session on itself (`client.session`, set by `signIn`). The client is an
 * external, mutable object to React, like a socket: these functions are the only places the dApp
 * changes it by hand.
 */
import type { StoaClient, StoaSession } from "@stoa/sdk";

export function putSession(client: StoaClient, session: StoaSession | undefined): void {
  client.session = session;
}
