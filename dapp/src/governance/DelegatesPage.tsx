/**
 * /governance/delegates: who holds the DAO's voting power (most first, with how many accounts
 * delegate to each), the connected account's own delegation and delegators, and delegating to
 * oneself, to anyone by address, or to a delegate from the list.
 */
import type { Address } from "viem";
import { useQueryClient } from "@tanstack/react-query";
import { useSession } from "../session/SessionProvider.tsx";
import { DelegateForm } from "../token/DelegateForm.tsx";
import { useTransaction } from "../token/useTransaction.ts";
import { AddressText, EmptyState, ErrorNotice, Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { formatStoa } from "../ui/errors.ts";
import { formatDateTime } from "../ui/format.ts";
import { useDelegates, useDelegation, useVotingPower } from "./api.ts";
import { GovernanceNav } from "./GovernanceNav.tsx";

function useDelegate() {
  const { client, noteError } = useSession();
  const queryClient = useQueryClient();
  const tx = useTransaction();
  const delegate = async (delegatee: Address) => {
    const ok = await tx.run("Delegate votes", async (onHash) => {
      try {
        return await client!.delegate({ delegatee, onHash });
      } catch (error) {
        noteError(error);
        throw error;
      }
    });
    if (ok) await queryClient.invalidateQueries({ queryKey: ["governance"] });
  };
  return { tx, delegate };
}

function MyDelegation({ account }: { account: Address }) {
  const power = useVotingPower(account);
  const delegation = useDelegation(account);
  if (!power.data)
    return power.error ? <ErrorNotice error={power.error} /> : <Spinner label="Reading your delegation" />;
  const { votes, balance, delegatee } = power.data;
  const undelegated = /^0x0+$/.test(delegatee);
  const others = delegation.data?.delegators.filter((d) => d.account.toLowerCase() !== account.toLowerCase()) ?? [];
  return (
    <div className="card">
      <h2>Your delegation</h2>
      <dl className="pairs" data-testid="my-delegation">
        <div className="pair">
          <dt>Voting power</dt>
          <dd>{formatStoa(votes)}</dd>
        </div>
        <div className="pair">
          <dt>Balance</dt>
          <dd>{formatStoa(balance)}</dd>
        </div>
        <div className="pair">
          <dt>Delegated to</dt>
          <dd>
            {undelegated ? (
              <span className="bad">nobody: your STOA does not vote</span>
            ) : delegatee.toLowerCase() === account.toLowerCase() ? (
              "yourself"
            ) : (
              <AddressText address={delegatee} />
            )}
          </dd>
        </div>
        <div className="pair">
          <dt>Delegating to you</dt>
          <dd>
            {others.length === 0 ? (
              <span className="muted">no one else</span>
            ) : (
              <ul className="plain">
                {others.map((d) => (
                  <li key={d.account}>
                    <AddressText address={d.account} />{" "}
                    <span className="small muted">since {formatDateTime(d.since.timestamp * 1000)}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
    </div>
  );
}

export default function DelegatesPage() {
  const { connection } = useSession();
  const delegates = useDelegates();
  const { tx, delegate } = useDelegate();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["governance"] });
  return (
    <section>
      <PageHeading title="Delegates">Delegates</PageHeading>
      <p className="lead">
        STOA votes once delegated: to yourself to vote directly, or to someone you trust. Delegating moves no tokens and
        can be changed any time; it counts for proposals made after it.
      </p>
      <GovernanceNav />
      {connection ? (
        <>
          <MyDelegation account={connection.address} />
          <DelegateForm self={connection.address} refresh={refresh} />
        </>
      ) : (
        <Notice>Connect a wallet to delegate your votes.</Notice>
      )}
      <TxStatus state={tx.state} />
      <h2>Voting power</h2>
      {delegates.isPending ? (
        <Spinner label="Loading delegates" />
      ) : delegates.error ? (
        <ErrorNotice error={delegates.error} onRetry={() => void delegates.refetch()} />
      ) : delegates.data.length === 0 ? (
        <EmptyState title="No one has voting power yet.">
          <p>Holders must delegate before anyone can vote.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table data-testid="delegates">
            <thead>
              <tr>
                <th scope="col">Delegate</th>
                <th scope="col">Voting power</th>
                <th scope="col">Delegators</th>
                {connection && (
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {delegates.data.map((d) => (
                <tr key={d.account}>
                  <td>
                    <AddressText address={d.account} />
                  </td>
                  <td>{formatStoa(BigInt(d.votes))}</td>
                  <td>{d.delegators}</td>
                  {connection && (
                    <td>
                      <button
                        type="button"
                        className="button secondary small"
                        disabled={tx.busy}
                        onClick={() => void delegate(d.account as Address)}
                        aria-label={`Delegate to ${d.account}`}
                      >
                        Delegate
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
