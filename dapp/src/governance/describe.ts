/** Proposals in words: states, actions, amounts. */
import type { DecodedCall, ProposalAction } from "@stoa/sdk";
import { formatEther } from "viem";
import { formatStoa } from "../ui/errors.ts";

export const STEP_TEXT: Record<string, string> = {
  created: "Proposed",
  active: "Voting opens",
  succeeded: "Voting closes: succeeded",
  defeated: "Voting closes: defeated",
  queued: "Queued in the timelock",
  executed: "Executed",
  canceled: "Canceled",
  expired: "Expired",
};

/** 150 -> "1.5%". */
export const formatBps = (bps: number | bigint): string => `${Number(bps) / 100}%`;

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** One action in a sentence: "Set the marketplace fee to 1.5%". */
export function describeAction(action: ProposalAction, stoaToken?: string): string {
  switch (action.kind) {
    case "setProtocolFee":
      return `Set the marketplace fee to ${formatBps(action.feeBps)}`;
    case "addArbiter":
      return `Add arbiter ${short(action.arbiter)}`;
    case "removeArbiter":
      return `Remove arbiter ${short(action.arbiter)}`;
    case "grantIssuer":
      return `Let ${short(action.account)} issue certificates`;
    case "revokeIssuer":
      return `Stop ${short(action.account)} issuing certificates`;
    case "deny":
      return `Deny account ${short(action.account)}`;
    case "allow":
      return `Allow account ${short(action.account)} again`;
    case "setMinArbiterStake":
      return `Set the minimum arbiter stake to ${formatStoa(action.amount)}`;
    case "treasuryTransfer": {
      const what =
        action.token === "ETH"
          ? `${formatEther(action.amount)} ETH`
          : stoaToken && action.token.toLowerCase() === stoaToken.toLowerCase()
            ? formatStoa(action.amount)
            : `${action.amount} units of token ${short(action.token)}`;
      return `Send ${what} from the treasury to ${short(action.to)}`;
    }
    case "raw":
      return `Call ${short(action.target)}${action.value > 0n ? ` with ${formatEther(action.value)} ETH` : ""}`;
  }
}

/** The call as a developer reads it: contract.function(args). */
export function describeCall(call: DecodedCall): string {
  if (!call.functionName) return `${call.target} ← ${call.calldata === "0x" ? "(no data)" : call.calldata}`;
  const args = (call.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : String(a))).join(", ");
  return `${call.contract ?? call.target}.${call.functionName}(${args})`;
}
