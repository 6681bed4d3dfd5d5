/**
 * Delegating STOA votes: to oneself, or to any address. Used by the token page and the
 * governance delegates page; `refresh` runs once a delegation is mined.
 */
import { useId, useState, type FormEvent } from "react";
import { isAddress, type Address } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { TxStatus } from "../ui/components.tsx";
import { useTransaction } from "./useTransaction.ts";

export function DelegateForm({ self, refresh }: { self: Address; refresh: () => void }) {
  const id = useId();
  const { client } = useSession();
  const tx = useTransaction();
  const [to, setTo] = useState("");
  const invalid = to !== "" && !isAddress(to, { strict: false });
  const delegate = async (delegatee: Address) => {
    if (await tx.run("Delegate votes", (onHash) => client!.delegate({ delegatee, onHash }))) refresh();
  };
  return (
    <div className="card">
      <h2>Delegate votes</h2>
      <p className="muted">
        STOA votes only once delegated. Delegate to yourself to vote, or to someone you trust to vote for you.
      </p>
      <div className="row">
        <button type="button" className="button" disabled={tx.busy} onClick={() => void delegate(self)}>
          Delegate to myself
        </button>
      </div>
      <form
        className="row"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          if (!invalid && to) void delegate(to);
        }}
      >
        <label htmlFor={`${id}-to`} className="visually-hidden">
          Delegate to address
        </label>
        <input
          id={`${id}-to`}
          className="grow mono"
          placeholder="0x… address to delegate to"
          value={to}
          onChange={(event) => setTo(event.target.value.trim())}
          aria-invalid={invalid}
          aria-describedby={invalid ? `${id}-error` : undefined}
        />
        <button type="submit" className="button secondary" disabled={tx.busy || invalid || !to}>
          Delegate
        </button>
      </form>
      {invalid && (
        <p id={`${id}-error`} className="field-error">
          Enter an address: 0x and 40 hex digits.
        </p>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}
