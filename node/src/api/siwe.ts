/**
 * Sign-In with Ethereum (EIP-4361) as this node checks it: the message must carry a nonce this
 * node issued (unused, unexpired), name this node's host as its domain and its origin as its URI,
 * name the chain the node follows, be within its own validity window, and be signed (EIP-191) by
 * the account it names. Externally owned accounts only: no ERC-1271 contract wallets.
 */
import { verifyMessage } from "ethers";
import { SiweErrorType, SiweMessage } from "siwe";
import { ApiError, badRequest } from "./errors.ts";
import type { NonceStore } from "./sessions.ts";

export interface SignInExpectations {
  /** The node's public URL: its host is the message's domain, its origin the URI's. */
  publicUrl: string;
  chainId: number;
  nonces: NonceStore;
  now?: number;
}

export interface SignedIn {
  /** Lower case. */
  address: string;
  chainId: number;
}

const refuse = (code: string, message: string, field: string) =>
  new ApiError(401, code, message, { field, headers: { "www-authenticate": "Bearer" } });

function parse(message: string): SiweMessage {
  try {
    return new SiweMessage(message);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`message is not an EIP-4361 sign-in message: ${reason.split("\n")[0]}`, "message");
  }
}

function originOf(uri: string): string | undefined {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
}

/** The account that signed, recovered without throwing: undefined for a malformed signature. */
function recover(text: string, signature: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return undefined;
  try {
    return verifyMessage(text, signature);
  } catch {
    return undefined;
  }
}

/** The binding checks, in the order a client most needs to hear about them. */
function checkBinding(parsed: SiweMessage, expected: SignInExpectations, now: number): void {
  // The nonce goes first and is consumed by any attempt: a signature is tried once.
  if (!expected.nonces.consume(parsed.nonce, now)) {
    throw refuse("invalid-nonce", "the nonce was not issued by this node, was already used, or expired", "nonce");
  }
  const url = new URL(expected.publicUrl);
  if (parsed.domain !== url.host) {
    throw refuse("wrong-domain", `the message is for ${parsed.domain}, this node is ${url.host}`, "domain");
  }
  if (originOf(parsed.uri) !== url.origin) {
    throw refuse("wrong-uri", `the message's URI must be on ${url.origin}`, "uri");
  }
  if (parsed.chainId !== expected.chainId) {
    throw refuse(
      "wrong-chain",
      `the message is for chain ${parsed.chainId}, this node follows ${expected.chainId}`,
      "chainId",
    );
  }
}

const SIWE_REFUSALS: Partial<Record<string, { code: string; field: string; message: string }>> = {
  [SiweErrorType.EXPIRED_MESSAGE]: { code: "message-expired", field: "message", message: "the message has expired" },
  [SiweErrorType.NOT_YET_VALID_MESSAGE]: {
    code: "message-not-yet-valid",
    field: "message",
    message: "the message is not valid yet",
  },
  [SiweErrorType.DOMAIN_MISMATCH]: { code: "wrong-domain", field: "domain", message: "the domain does not match" },
  [SiweErrorType.NONCE_MISMATCH]: { code: "invalid-nonce", field: "nonce", message: "the nonce does not match" },
};

/** Checks a sign-in; returns the account, or throws ApiError 400 (malformed) / 401 (refused). */
export async function verifySignIn(
  message: string,
  signature: string,
  expected: SignInExpectations,
): Promise<SignedIn> {
  const now = expected.now ?? Date.now();
  const parsed = parse(message);
  checkBinding(parsed, expected, now);
  // siwe re-serialises the message before recovering; recovering first keeps its console quiet
  // about malformed signatures and tells the wrong-signer case apart.
  if (recover(parsed.prepareMessage(), signature) !== parsed.address) {
    throw refuse("bad-signature", `the signature is not by ${parsed.address}`, "signature");
  }
  const result = await parsed.verify(
    { signature, domain: parsed.domain, nonce: parsed.nonce, time: new Date(now).toISOString() },
    { suppressExceptions: true },
  );
  if (!result.success) {
    const type = result.error?.type ?? "";
    const known = SIWE_REFUSALS[type];
    throw known
      ? refuse(known.code, known.message, known.field)
      : refuse("bad-signature", "the sign-in message does not verify", "signature");
  }
  return { address: parsed.address.toLowerCase(), chainId: parsed.chainId };
}
