/**
 * What a DAO proposal does, as people think of it ("set the marketplace fee to 2%") and as the
 * governor executes it (target, value, calldata): `encodeAction` turns the first into the second
 * against a deployment's addresses, `decodeAction` reads any call back, naming Stoa's contract
 * and function when it knows them, so that a voter sees what they vote on.
 */
import {
  decodeFunctionData,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  isAddress,
  keccak256,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { stoaAbis, type StoaContractName } from "../abi/index.ts";
import { contractOf, type StoaDeployment } from "../deployment.ts";
import { StoaError } from "../errors.ts";

/** Certificates' issuer role (keccak256("ISSUER_ROLE")). */
export const ISSUER_ROLE: Hex = keccak256(toHex("ISSUER_ROLE"));

/** One thing a proposal does, by kind. Amounts in wei; fees in basis points. */
export type ProposalAction =
  | { kind: "setProtocolFee"; feeBps: number }
  | { kind: "addArbiter"; arbiter: Address; profileCid: string }
  | { kind: "removeArbiter"; arbiter: Address }
  | { kind: "grantIssuer"; account: Address }
  | { kind: "revokeIssuer"; account: Address }
  /** From the treasury (the timelock): `token` "ETH" or an ERC-20's address (STOA: the token's). */
  | { kind: "treasuryTransfer"; token: "ETH" | Address; to: Address; amount: bigint }
  | { kind: "deny"; account: Address; reasonCid: string }
  | { kind: "allow"; account: Address; reasonCid: string }
  | { kind: "setMinArbiterStake"; amount: bigint }
  /** Any call, for experts. */
  | { kind: "raw"; target: Address; value: bigint; calldata: Hex };

export type ProposalActionKind = ProposalAction["kind"];

/** A call as the governor stores it. */
export interface ProposalCall {
  target: Address;
  value: bigint;
  calldata: Hex;
}

/** A decoded call: the action when it is one of the kinds, and always the function it calls. */
export interface DecodedCall extends ProposalCall {
  action: ProposalAction;
  /** The manifest key of the Stoa contract called, if it is one. */
  contract?: StoaContractName;
  /** The function and its arguments, if the contract's ABI knows the selector. */
  functionName?: string;
  args?: readonly unknown[];
}

const MAX_FEE_BPS = 10_000;

/** Thrown for an action whose fields are wrong; `field` names the field. */
export class InvalidActionError extends StoaError {
  override name = "InvalidActionError";
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

function address(value: string, field: string): Address {
  if (!isAddress(value, { strict: false })) throw new InvalidActionError(`${field} must be a 0x address`, field);
  return getAddress(value);
}

function amount(value: bigint, field: string, { positive = false } = {}): bigint {
  if (typeof value !== "bigint" || value < 0n || (positive && value === 0n)) {
    throw new InvalidActionError(`${field} must be a ${positive ? "positive" : "non-negative"} amount in wei`, field);
  }
  return value;
}

/** The call that performs `action` on `deployment`'s contracts. */
export function encodeAction(deployment: StoaDeployment, action: ProposalAction): ProposalCall {
  const call = <N extends StoaContractName>(contract: N, functionName: string, args: readonly unknown[]) => {
    const { address: target, abi } = contractOf(deployment, contract);
    const known: Abi = abi;
    return { target, value: 0n, calldata: encodeFunctionData({ abi: known, functionName, args }) };
  };
  switch (action.kind) {
    case "setProtocolFee":
      if (!Number.isInteger(action.feeBps) || action.feeBps < 0 || action.feeBps > MAX_FEE_BPS) {
        throw new InvalidActionError("feeBps must be a whole number of basis points, 0-10000", "feeBps");
      }
      return call("registry", "setProtocolFee", [action.feeBps]);
    case "addArbiter":
      return call("registry", "addArbiter", [address(action.arbiter, "arbiter"), action.profileCid]);
    case "removeArbiter":
      return call("registry", "removeArbiter", [address(action.arbiter, "arbiter")]);
    case "grantIssuer":
      return call("certificates", "grantRole", [ISSUER_ROLE, address(action.account, "account")]);
    case "revokeIssuer":
      return call("certificates", "revokeRole", [ISSUER_ROLE, address(action.account, "account")]);
    case "deny":
      return call("registry", "deny", [address(action.account, "account"), action.reasonCid]);
    case "allow":
      return call("registry", "allow", [address(action.account, "account"), action.reasonCid]);
    case "setMinArbiterStake":
      return call("registry", "setMinArbiterStake", [amount(action.amount, "amount")]);
    case "treasuryTransfer": {
      const to = address(action.to, "to");
      const value = amount(action.amount, "amount", { positive: true });
      if (action.token === "ETH") return { target: to, value, calldata: "0x" };
      return {
        target: address(action.token, "token"),
        value: 0n,
        calldata: encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [to, value] }),
      };
    }
    case "raw":
      if (!/^0x([0-9a-fA-F]{2})*$/.test(action.calldata)) {
        throw new InvalidActionError("calldata must be 0x-prefixed hex bytes", "calldata");
      }
      return {
        target: address(action.target, "target"),
        value: amount(action.value, "value"),
        calldata: action.calldata,
      };
  }
}

/** The calls of a proposal's actions, as the governor's propose() takes them. */
export function encodeActions(
  deployment: StoaDeployment,
  actions: readonly ProposalAction[],
): { targets: Address[]; values: bigint[]; calldatas: Hex[] } {
  if (actions.length === 0) throw new InvalidActionError("a proposal needs at least one action", "actions");
  const calls = actions.map((action) => encodeAction(deployment, action));
  return {
    targets: calls.map((c) => c.target),
    values: calls.map((c) => c.value),
    calldatas: calls.map((c) => c.calldata),
  };
}

/** Reads a call back: the action it performs, and the Stoa function it calls when known. */
export function decodeAction(deployment: StoaDeployment, call: ProposalCall): DecodedCall {
  const target = getAddress(call.target);
  const raw: DecodedCall = { ...call, target, action: { kind: "raw", ...call, target } };
  const contract = (Object.keys(deployment.contracts) as StoaContractName[]).find(
    (name) => name in stoaAbis && getAddress(deployment.contracts[name]!.address) === target,
  );
  if (call.calldata === "0x") {
    return call.value > 0n
      ? { ...raw, action: { kind: "treasuryTransfer", token: "ETH", to: target, amount: call.value } }
      : raw;
  }
  let decoded: { functionName: string; args?: readonly unknown[] };
  try {
    const abi: Abi = contract ? stoaAbis[contract] : erc20Abi;
    decoded = decodeFunctionData({ abi, data: call.calldata });
  } catch {
    return raw;
  }
  const { functionName, args = [] } = decoded;
  const named: DecodedCall = { ...raw, ...(contract ? { contract } : {}), functionName, args };
  if (call.value !== 0n) return named;
  const action = actionOf(contract, functionName, args, target);
  return action ? { ...named, action } : named;
}

function actionOf(
  contract: StoaContractName | undefined,
  functionName: string,
  args: readonly unknown[],
  target: Address,
): ProposalAction | undefined {
  const a = args as readonly [unknown, unknown];
  if (contract === "registry") {
    switch (functionName) {
      case "setProtocolFee":
        return { kind: "setProtocolFee", feeBps: Number(a[0]) };
      case "addArbiter":
        return { kind: "addArbiter", arbiter: a[0] as Address, profileCid: a[1] as string };
      case "removeArbiter":
        return { kind: "removeArbiter", arbiter: a[0] as Address };
      case "deny":
        return { kind: "deny", account: a[0] as Address, reasonCid: a[1] as string };
      case "allow":
        return { kind: "allow", account: a[0] as Address, reasonCid: a[1] as string };
      case "setMinArbiterStake":
        return { kind: "setMinArbiterStake", amount: a[0] as bigint };
    }
  }
  if (contract === "certificates" && a[0] === ISSUER_ROLE) {
    if (functionName === "grantRole") return { kind: "grantIssuer", account: a[1] as Address };
    if (functionName === "revokeRole") return { kind: "revokeIssuer", account: a[1] as Address };
  }
  if (functionName === "transfer" && (contract === undefined || contract === "token" || contract === "devStablecoin")) {
    return { kind: "treasuryTransfer", token: target, to: a[0] as Address, amount: a[1] as bigint };
  }
  return undefined;
}
