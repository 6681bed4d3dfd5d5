/**
 * /token: the connected account's STOA balance and voting power, delegation of votes (to
 * yourself or anyone), sending STOA, and on the dev chain a faucet.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { formatEther, isAddress, parseEther, zeroAddress, type Address } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { AddressText, EmptyState, ErrorNotice, Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { describeError, formatStoa } from "../ui/errors.ts";
import { DelegateForm } from "./DelegateForm.tsx";
import { useTransaction } from "./useTransaction.ts";

const stoa = formatStoa;

function useTokenState(account: Address | undefined) {
  const { client, connection } = useSession();
  return useQuery({
    queryKey: ["token", account, connection?.chainId],
    enabled: Boolean(client && account),
    refetchInterval: 10_000,
    queryFn: async () => {
      const [balance, votes, delegatee] = await Promise.all([
        client!.getBalance({ account: account! }),
        client!.getVotes({ account: account! }),
        client!.getDelegate({ account: account! }),
      ]);
      return { balance, votes, delegatee };
    },
  });
}

function TransferForm({ balance, refresh }: { balance: bigint; refresh: () => void }) {
  const id = useId();
  const { client } = useSession();
  const tx = useTransaction();
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  let wei: bigint | undefined;
  try {
    wei = amount ? parseEther(amount) : undefined;
  } catch {
    wei = undefined;
  }
  const errors = {
    to: to && !isAddress(to, { strict: false }) ? "Enter an address: 0x and 40 hex digits." : undefined,
    amount:
      amount && (wei === undefined || wei <= 0n)
        ? "Enter a positive amount, e.g. 12.5."
        : wei !== undefined && wei > balance
          ? `More than your balance (${stoa(balance)}).`
          : undefined,
  };
  const ready = to && amount && !errors.to && !errors.amount && wei !== undefined;
  return (
    <form
      className="card form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        void tx
          .run("Send STOA", (onHash) => client!.transfer({ to: to as Address, amount: wei!, onHash }))
          .then((done) => {
            if (!done) return;
            setAmount("");
            refresh();
          });
      }}
    >
      <h2>Send STOA</h2>
      <label htmlFor={`${id}-to`}>To</label>
      <input
        id={`${id}-to`}
        className="mono"
        value={to}
        onChange={(event) => setTo(event.target.value.trim())}
        placeholder="0x…"
        aria-invalid={Boolean(errors.to)}
        aria-describedby={errors.to ? `${id}-to-error` : undefined}
      />
      {errors.to && (
        <p id={`${id}-to-error`} className="field-error">
          {errors.to}
        </p>
      )}
      <label htmlFor={`${id}-amount`}>Amount (STOA)</label>
      <input
        id={`${id}-amount`}
        inputMode="decimal"
        value={amount}
        onChange={(event) => setAmount(event.target.value.trim())}
        placeholder="0.0"
        aria-invalid={Boolean(errors.amount)}
        aria-describedby={errors.amount ? `${id}-amount-error` : undefined}
      />
      {errors.amount && (
        <p id={`${id}-amount-error`} className="field-error">
          {errors.amount}
        </p>
      )}
      <div className="row">
        <button type="submit" className="button" disabled={!ready || tx.busy}>
          Send
        </button>
      </div>
      <TxStatus state={tx.state} />
    </form>
  );
}

function Faucet({ refresh }: { refresh: () => void }) {
  const { ensureSession, noteError } = useSession();
  const [state, setState] = useState<{ status: "idle" | "busy" | "done" | "failed"; text?: string }>({
    status: "idle",
  });
  return (
    <div className="card">
      <h2>Dev faucet</h2>
      <p className="muted">The dev chain only: 1,000 test STOA (and 10 ETH for gas when you are low), once a minute.</p>
      <button
        type="button"
        className="button secondary"
        disabled={state.status === "busy"}
        onClick={() => {
          setState({ status: "busy" });
          ensureSession()
            .then((client) => client.requestFaucet())
            .then((grant) => {
              setState({
                status: "done",
                text: `Received ${stoa(grant.token)}${grant.eth > 0n ? ` and ${formatEther(grant.eth)} ETH` : ""}.`,
              });
              refresh();
            })
            .catch((error: unknown) => {
              noteError(error);
              setState({ status: "failed", text: describeError(error) });
            });
        }}
      >
        Get test STOA
      </button>
      {state.status === "busy" && <Spinner label="Asking the faucet" />}
      {state.status === "done" && <Notice kind="success">{state.text}</Notice>}
      {state.status === "failed" && (
        <Notice kind="error" title="No tokens sent">
          {state.text}
        </Notice>
      )}
    </div>
  );
}

export default function TokenPage() {
  const { connection, wrongChain } = useSession();
  const chain = useChainStatus(false);
  const queryClient = useQueryClient();
  const token = useTokenState(connection?.address);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["token"] });

  if (!connection) {
    return (
      <section>
        <PageHeading title="Token">Token</PageHeading>
        <EmptyState title="Connect a wallet to see your STOA balance and votes." />
      </section>
    );
  }
  if (wrongChain) {
    return (
      <section>
        <PageHeading title="Token">Token</PageHeading>
        <EmptyState title="Switch your wallet to the node's chain to see your balance." />
      </section>
    );
  }
  const data = token.data;
  return (
    <section>
      <PageHeading title="Token">Token</PageHeading>
      {token.isPending ? (
        <Spinner label="Reading the token contract" />
      ) : token.isError ? (
        <ErrorNotice title="Could not read the token" error={token.error} onRetry={() => void token.refetch()} />
      ) : (
        data && (
          <>
            <dl className="stats">
              <div>
                <dt>Balance</dt>
                <dd data-testid="balance">{stoa(data.balance)}</dd>
              </div>
              <div>
                <dt>Voting power</dt>
                <dd data-testid="votes">{stoa(data.votes)}</dd>
              </div>
              <div>
                <dt>Delegating to</dt>
                <dd data-testid="delegatee">
                  {data.delegatee === zeroAddress ? (
                    "nobody yet"
                  ) : data.delegatee.toLowerCase() === connection.address.toLowerCase() ? (
                    "yourself"
                  ) : (
                    <AddressText address={data.delegatee} />
                  )}
                </dd>
              </div>
            </dl>
            <div className="grid">
              <DelegateForm self={connection.address} refresh={refresh} />
              <TransferForm balance={data.balance} refresh={refresh} />
              {chain.data?.mode === "dev" && <Faucet refresh={refresh} />}
            </div>
          </>
        )
      )}
    </section>
  );
}
