import { nonceSchema, signInSchema } from "@stoa/protocol/api";
import { getAddress } from "viem";
import { createSiweMessage } from "viem/siwe";
import { holdSession, requireSigning, type StoaBaseClient, type StoaSession } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { nodeJson, nodeUrlOf } from "../http.ts";

export type SignInParameters = {
  /** Shown to the person in their wallet. Default: "Sign in to Stoa". */
  statement?: string;
  /** When the message stops being valid (the session's own lifetime is the node's). */
  expirationTime?: Date;
  /** Default: the deployment's chain id (the node checks it is the chain it follows). */
  chainId?: number;
  /** Default: the host of the node URL. Set it when the node is reached through another name than its public URL. */
  domain?: string;
  /** Default: the node URL's origin. */
  uri?: string;
};
/** The session: bearer token, account (lower case) and expiry (ISO 8601). Also kept on the client. */
export type SignInReturnType = StoaSession;

/**
 * Signs in with Ethereum (EIP-4361): takes a nonce from the node, has the signer sign the
 * message, and exchanges it for a session that the client then sends with every write. The
 * node refuses with StoaApiError 401 (`wrong-chain`, `wrong-domain`, `message-expired`,
 * `invalid-nonce`, `bad-signature`).
 */
export async function signIn(client: StoaBaseClient, parameters: SignInParameters = {}): Promise<SignInReturnType> {
  const signing = requireSigning(client, "signIn");
  const url = new URL(nodeUrlOf(client, "signIn"));
  const chainId = parameters.chainId ?? (await deploymentOf(client)).chainId;
  const { nonce } = await nodeJson(client, nonceSchema, { method: "POST", path: "/v1/auth/nonce", action: "signIn" });
  const message = createSiweMessage({
    address: getAddress(signing.address),
    chainId,
    domain: parameters.domain ?? url.host,
    uri: parameters.uri ?? `${url.origin}/`,
    nonce,
    version: "1",
    statement: parameters.statement ?? "Sign in to Stoa",
    issuedAt: new Date(),
    ...(parameters.expirationTime ? { expirationTime: parameters.expirationTime } : {}),
  });
  const signature = await signing.signMessage(message);
  const answer = await nodeJson(client, signInSchema, {
    method: "POST",
    path: "/v1/auth/verify",
    body: { message, signature },
    action: "signIn",
  });
  return holdSession(client, answer);
}
