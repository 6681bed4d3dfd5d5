/** Contract reverts, decoded into StoaContractError with the custom error's name and arguments. */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi } from "viem";
import { StoaContractError } from "../errors.ts";

const show = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : Array.isArray(value)
      ? `[${value.map(show).join(", ")}]`
      : String(value);

/**
 * A StoaContractError for a revert of `contract.functionName`, decoded with `abi` (custom
 * errors, `Error(string)`, `Panic(uint256)`); any other error (network, user rejection) as it was.
 */
export function contractErrorOf(
  error: unknown,
  abi: Abi | readonly unknown[],
  contract: string,
  functionName: string,
): unknown {
  if (!(error instanceof BaseError)) return error;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return error;
  let errorName = reverted.data?.errorName;
  let args: readonly unknown[] | undefined = reverted.data?.args;
  if (!errorName && reverted.raw) {
    try {
      const decoded = decodeErrorResult({ abi: abi as Abi, data: reverted.raw });
      errorName = decoded.errorName;
      args = decoded.args;
    } catch {
      // an error of another contract's ABI: name unknown, raw data in the cause
    }
  }
  if (!errorName && reverted.reason) {
    errorName = "Error";
    args = [reverted.reason];
  }
  const what = errorName ? `${errorName}(${(args ?? []).map(show).join(", ")})` : "without a known error";
  return new StoaContractError(`${contract}.${functionName} reverted: ${what}`, {
    contract,
    functionName,
    errorName,
    args,
    cause: error,
  });
}
