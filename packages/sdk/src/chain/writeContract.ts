import type { ContractFunctionArgs, ContractFunctionName, Hash, TransactionReceipt } from "viem";
import type { stoaAbis, StoaContractName } from "../abi/index.ts";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "./chainOf.ts";
import { contractOf } from "../deployment.ts";
import { SignerRequiredError, StoaContractError } from "../errors.ts";
import { contractErrorOf } from "./contractError.ts";

type AbiOf<N extends StoaContractName> = (typeof stoaAbis)[N];
export type WriteFunctionName<N extends StoaContractName> = ContractFunctionName<AbiOf<N>, "nonpayable" | "payable">;

export type WriteContractParameters<N extends StoaContractName, F extends WriteFunctionName<N>> = {
  /** The contract's key in the deployment manifest: token, marketplace, governor, ... */
  contract: N;
  functionName: F;
  args?: ContractFunctionArgs<AbiOf<N>, "nonpayable" | "payable", F>;
  /** ETH sent with the call (wei). */
  value?: bigint;
  /** Called with the hash once the wallet sent the transaction, before it is mined (to show it pending). */
  onHash?: (hash: Hash) => void;
};
/** The transaction's hash and its receipt (mined, successful). */
export type WriteContractReturnType = { hash: Hash; receipt: TransactionReceipt };

/**
 * Sends a transaction to a Stoa contract from the signer and waits until it is mined. It is
 * simulated first, so that a revert is a StoaContractError with the decoded custom error (and
 * no gas is spent).
 */
export async function writeContract<N extends StoaContractName, F extends WriteFunctionName<N>>(
  client: StoaBaseClient,
  { contract, functionName, args, value, onHash }: WriteContractParameters<N, F>,
): Promise<WriteContractReturnType> {
  const { publicClient, walletClient, account, chain, deployment } = await chainOf(client, "writeContract");
  if (!walletClient || !account) throw new SignerRequiredError("writeContract");
  const { address, abi } = contractOf(deployment, contract);
  let hash: Hash;
  try {
    const { request } = await publicClient.simulateContract({
      address,
      abi,
      functionName,
      args,
      account,
      value,
    } as never);
    hash = await walletClient.writeContract({ ...(request as object), account, chain } as never);
  } catch (error) {
    throw contractErrorOf(error, abi, contract, functionName);
  }
  onHash?.(hash);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") {
    throw new StoaContractError(`${contract}.${functionName} reverted in transaction ${hash}`, {
      contract,
      functionName,
    });
  }
  return { hash, receipt };
}
