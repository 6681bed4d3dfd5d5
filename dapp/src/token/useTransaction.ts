/** Runs one transaction at a time and tracks it for <TxStatus>: waiting for the wallet, pending with its hash, mined, failed. */
import { useCallback, useState } from "react";
import type { Hash, TransactionReceipt } from "viem";
import type { TxState } from "../ui/components.tsx";

export function useTransaction() {
  const [state, setState] = useState<TxState>({ status: "idle" });
  const run = useCallback(
    async (
      what: string,
      send: (onHash: (hash: Hash) => void) => Promise<{ hash: Hash; receipt: TransactionReceipt }>,
    ) => {
      setState({ status: "signing", what });
      try {
        const { hash, receipt } = await send((hash) => setState({ status: "pending", what, hash }));
        setState({ status: "done", what, hash, block: receipt.blockNumber });
        return true;
      } catch (error) {
        setState({ status: "failed", what, error });
        return false;
      }
    },
    [],
  );
  const busy = state.status === "signing" || state.status === "pending";
  return { state, run, busy };
}
