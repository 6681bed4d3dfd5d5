/**
 * Errors in words a person can act on: wallet rejections, contract reverts by their custom error,
 * the node's API errors with the field at fault, a wrong chain, an unreachable node.
 */
import { formatInteger } from "./format.ts";
import { ChainMismatchError, StoaApiError, StoaContractError, StoaNetworkError } from "@stoa/sdk";

/** EIP-1193 code for "the user rejected the request". */
const USER_REJECTED = 4001;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 8; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
  }
  return chain;
}

/** The person declined in their wallet (EIP-1193 4001, or viem's UserRejectedRequestError). */
export function isUserRejection(error: unknown): boolean {
  return causes(error).some((e) => {
    const { code, name } = e as { code?: unknown; name?: unknown };
    return code === USER_REJECTED || name === "UserRejectedRequestError";
  });
}

/** Token wei (18 decimals) as "12.5 STOA"; here without viem, which the first page load does not carry. */
export function formatStoa(wei: bigint): string {
  const sign = wei < 0n ? "-" : "";
  const abs = wei < 0n ? -wei : wei;
  const whole = abs / 10n ** 18n;
  const fraction = (abs % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "").slice(0, 6);
  return `${sign}${formatInteger(whole)}${fraction ? `.${fraction}` : ""} STOA`;
}

const token = (value: unknown) => (typeof value === "bigint" ? formatStoa(value) : String(value));

/** Custom errors of Stoa's contracts (and OpenZeppelin's) that a person can meet from these pages. */
const REVERTS: Record<string, (args: readonly unknown[]) => string> = {
  ERC20InsufficientBalance: ([, balance, needed]) =>
    `Not enough STOA: you have ${token(balance)} and this needs ${token(needed)}.`,
  ERC20InvalidReceiver: () => "That address cannot receive tokens.",
  ERC20InvalidSender: () => "That account cannot send tokens.",
  ERC5805FutureLookup: () => "That moment is in the future: votes are only known for the past.",
  VotesExpiredSignature: () => "The delegation signature has expired. Try again.",
  EnforcedPause: () => "This contract is paused by the DAO.",
  AccessControlUnauthorizedAccount: ([account]) => `Account ${String(account)} is not allowed to do this.`,
};

/** One sentence (or two) for `error`. */
export function describeError(error: unknown): string {
  if (isUserRejection(error)) return "You declined the request in your wallet. Nothing was signed or sent.";
  if (error instanceof ChainMismatchError) {
    return `Your wallet is on chain ${error.actual}, but this node follows chain ${error.expected}. Switch network, then try again.`;
  }
  if (error instanceof StoaContractError) {
    const explain = error.errorName ? REVERTS[error.errorName] : undefined;
    if (explain) return explain(error.args);
    return error.errorName
      ? `The transaction was refused by the ${error.contract} contract (${error.errorName}).`
      : `The transaction to the ${error.contract} contract failed.`;
  }
  if (error instanceof StoaApiError) {
    if (error.status === 401) return "Your session has ended. Sign in again, then retry.";
    if (error.status === 429) return "The node is busy or you are going too fast. Wait a moment and retry.";
    return error.field ? `${error.message} (field: ${error.field})` : error.message;
  }
  if (error instanceof StoaNetworkError || error instanceof TypeError) {
    return "The node did not answer. Check that it is running, then retry.";
  }
  if (error instanceof Error) return error.message.split("\n")[0] ?? "Something went wrong.";
  return "Something went wrong.";
}
