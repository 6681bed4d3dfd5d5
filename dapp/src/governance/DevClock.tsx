/**
 * On the dev chain only: a button that moves the chain's clock to the moment a proposal waits
 * for (voting opens, voting closes, the timelock's delay ends), so that a walk-through does not
 * take hours. It calls the dev chain's own evm_increaseTime and evm_mine; a node on any other
 * chain never shows it.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useChainStatus } from "../stoa/queries.ts";
import { ErrorNotice } from "../ui/components.tsx";

async function rpc(url: string, method: string, params: unknown[]): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const answer = (await response.json()) as { error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
}

export function DevClock({ until, now, label }: { until: number; now: number; label: string }) {
  const chain = useChainStatus(false);
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const rpcUrl = chain.data?.mode === "dev" ? chain.data.rpcUrl : undefined;
  if (!rpcUrl || until <= now) return null;
  const skip = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await rpc(rpcUrl, "evm_increaseTime", [until - now + 1]);
      await rpc(rpcUrl, "evm_mine", []);
      await queryClient.invalidateQueries({ queryKey: ["governance"] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="dev-clock">
      <button type="button" className="button secondary small" disabled={busy} onClick={() => void skip()}>
        Dev chain: skip to {label}
      </button>
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}
