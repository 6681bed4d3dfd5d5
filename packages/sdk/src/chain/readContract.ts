import type { ContractFunctionArgs, ContractFunctionName, ContractFunctionReturnType } from "viem";
import type { stoaAbis, StoaContractName } from "../abi/index.ts";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "./chainOf.ts";
import { contractOf } from "../deployment.ts";
import { contractErrorOf } from "./contractError.ts";

type AbiOf<N extends StoaContractName> = (typeof stoaAbis)[N];
export type ReadFunctionName<N extends StoaContractName> = ContractFunctionName<AbiOf<N>, "pure" | "view">;

export type ReadContractParameters<N extends StoaContractName, F extends ReadFunctionName<N>> = {
  /** The contract's key in the deployment manifest: token, marketplace, governor, ... */
  contract: N;
  functionName: F;
  args?: ContractFunctionArgs<AbiOf<N>, "pure" | "view", F>;
  /** Read at this block; default the latest. */
  blockNumber?: bigint;
};
/** What the function returns, typed from its ABI (uint256 as bigint, in the contract's units). */
export type ReadContractReturnType<
  N extends StoaContractName,
  F extends ReadFunctionName<N>,
> = ContractFunctionReturnType<AbiOf<N>, "pure" | "view", F>;

/**
 * Calls a view function of a Stoa contract at the deployment's address, with the SDK's typed
 * ABI. A revert is a StoaContractError with the decoded custom error.
 */
export async function readContract<N extends StoaContractName, F extends ReadFunctionName<N>>(
  client: StoaBaseClient,
  { contract, functionName, args, blockNumber }: ReadContractParameters<N, F>,
): Promise<ReadContractReturnType<N, F>> {
  const { publicClient, deployment } = await chainOf(client, "readContract");
  const { address, abi } = contractOf(deployment, contract);
  try {
    return await publicClient.readContract({
      address,
      abi,
      functionName,
      args,
      blockNumber,
    } as never);
  } catch (error) {
    throw contractErrorOf(error, abi, contract, functionName);
  }
}
