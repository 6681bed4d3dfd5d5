/**
 * /governance/proposals/:id: one proposal: what it says (Markdown from IPFS) and does (each call
 * decoded), its votes against the quorum, who voted and why, its timeline, and the next step the
 * connected account can take: vote with a reason while it is open, queue it once it succeeded,
 * execute it once the timelock's delay has passed.
 */
import type { Proposal, StoaClient, VoteSupport } from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useId, useState } from "react";
import { Link } from "wouter";
import type { Hash, TransactionReceipt } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { useTransaction } from "../token/useTransaction.ts";
import { AddressText, EmptyState, ErrorNotice, Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { formatStoa } from "../ui/errors.ts";
import { formatDateTime } from "../ui/format.ts";
import { useProposal, useProposalBody, useVotingPower } from "./api.ts";
import { DevClock } from "./DevClock.tsx";
import { describeAction, describeCall, STEP_TEXT } from "./describe.ts";
import { GovernanceNav } from "./GovernanceNav.tsx";
import { StateBadge, VoteBars } from "./VoteBars.tsx";

const Markdown = lazy(() => import("../ui/Markdown.tsx"));

type Send = (client: StoaClient, onHash: (hash: Hash) => void) => Promise<{ hash: Hash; receipt: TransactionReceipt }>;

/** The body without its first line when that repeats the title (propose() writes it so). */
const withoutTitle = (body: string, title: string) =>
  body.startsWith(`# ${title}\n`) ? body.slice(title.length + 3).trimStart() : body;

const SUPPORT_TEXT: Record<VoteSupport, string> = { for: "For", against: "Against", abstain: "Abstain" };
const MAX_REASON = 2_000;

function useAct() {
  const { ensureSession, noteError, client } = useSession();
  const queryClient = useQueryClient();
  const tx = useTransaction();
  const act = async (what: string, send: Send) => {
    const ok = await tx.run(what, async (onHash) => {
      try {
        return await send(client ?? (await ensureSession()), onHash);
      } catch (error) {
        noteError(error);
        throw error;
      }
    });
    if (ok) await queryClient.invalidateQueries({ queryKey: ["governance"] });
    return ok;
  };
  return { tx, act };
}

function VoteForm({ proposal }: { proposal: Proposal }) {
  const id = useId();
  const { connection } = useSession();
  const power = useVotingPower(connection?.address, proposal.voteStart);
  const { tx, act } = useAct();
  const [support, setSupport] = useState<VoteSupport | undefined>();
  const [reason, setReason] = useState("");
  const mine = proposal.votes.find((v) => v.voter.toLowerCase() === connection?.address.toLowerCase());
  if (!connection) return <Notice>Connect a wallet to vote.</Notice>;
  if (mine) {
    return (
      <Notice kind="success" title="You voted">
        {SUPPORT_TEXT[mine.support]} with {formatStoa(mine.weight)}
        {mine.reason ? `: “${mine.reason}”` : "."}
      </Notice>
    );
  }
  const weight = power.data?.atSnapshot;
  const tooLong = reason.length > MAX_REASON;
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!support || tooLong) return;
        void act(`Vote ${SUPPORT_TEXT[support].toLowerCase()}`, (c, onHash) =>
          c.castVote({ proposalId: proposal.proposalId, support, reason: reason.trim(), onHash }),
        );
      }}
    >
      <h2>Cast your vote</h2>
      <p className="muted">
        {weight === undefined ? (
          <Spinner label="Reading your voting power" />
        ) : weight === 0n ? (
          <>
            You had no voting power when voting opened (delegated STOA counts from the proposal&apos;s snapshot).{" "}
            <Link href="/governance/delegates">Delegate</Link> to vote on the next proposals.
          </>
        ) : (
          <>Your vote counts {formatStoa(weight)}: your voting power when voting opened.</>
        )}
      </p>
      <fieldset className="choices">
        <legend>Your vote</legend>
        {(["for", "against", "abstain"] as const).map((s) => (
          <label key={s} className="choice">
            <input
              type="radio"
              name={`${id}-support`}
              value={s}
              checked={support === s}
              onChange={() => setSupport(s)}
            />
            {SUPPORT_TEXT[s]}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-reason`}>Reason (optional, public)</label>
      <textarea
        id={`${id}-reason`}
        rows={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={tooLong}
        aria-describedby={tooLong ? `${id}-reason-error` : undefined}
      />
      {tooLong && (
        <p id={`${id}-reason-error`} className="field-error">
          At most {MAX_REASON} characters ({reason.length} now).
        </p>
      )}
      <div className="row">
        <button type="submit" className="button" disabled={!support || tooLong || tx.busy || weight === 0n}>
          Submit vote
        </button>
      </div>
      <TxStatus state={tx.state} />
    </form>
  );
}

function NextStep({ proposal, now }: { proposal: Proposal; now: number }) {
  const { connection } = useSession();
  const { tx, act } = useAct();
  if (proposal.state === "active") {
    return (
      <>
        <VoteForm proposal={proposal} />
        <DevClock until={proposal.voteEnd} now={now} label="the end of the vote" />
      </>
    );
  }
  if (proposal.state === "pending") {
    return (
      <>
        <Notice>Voting opens {formatDateTime(proposal.voteStart * 1000)}.</Notice>
        <DevClock until={proposal.voteStart} now={now} label="the start of the vote" />
      </>
    );
  }
  if (proposal.state === "succeeded" || proposal.state === "queued") {
    const ready = proposal.state === "queued" && proposal.eta !== undefined && now >= proposal.eta;
    return (
      <div>
        <h2>{proposal.state === "succeeded" ? "It passed: queue it" : "Queued in the timelock"}</h2>
        <p className="muted">
          {proposal.state === "succeeded"
            ? "A passed proposal waits in the timelock before it runs, so that anyone can react. Anyone may queue it."
            : ready
              ? "The delay has passed: anyone may execute it now."
              : `Executable from ${formatDateTime((proposal.eta ?? 0) * 1000)}.`}
        </p>
        {!connection ? (
          <Notice>Connect a wallet to {proposal.state === "succeeded" ? "queue" : "execute"} it.</Notice>
        ) : proposal.state === "succeeded" ? (
          <button
            type="button"
            className="button"
            disabled={tx.busy}
            onClick={() => void act("Queue the proposal", (c, onHash) => c.queueProposal({ proposal, onHash }))}
          >
            Queue
          </button>
        ) : (
          <button
            type="button"
            className="button"
            disabled={tx.busy || !ready}
            onClick={() => void act("Execute the proposal", (c, onHash) => c.executeProposal({ proposal, onHash }))}
          >
            Execute
          </button>
        )}
        {proposal.state === "queued" && proposal.eta !== undefined && (
          <DevClock until={proposal.eta} now={now} label="the end of the timelock's delay" />
        )}
        <TxStatus state={tx.state} />
      </div>
    );
  }
  const ended: Partial<Record<Proposal["state"], string>> = {
    executed: "Executed: its actions are in effect.",
    defeated: "Defeated: not enough votes for it, or no quorum.",
    canceled: "Canceled.",
    expired: "Expired: it was not executed in time.",
  };
  return (
    <>
      <Notice kind={proposal.state === "executed" ? "success" : "info"}>{ended[proposal.state]}</Notice>
      <TxStatus state={tx.state} />
    </>
  );
}

export default function ProposalPage({ id }: { id: string }) {
  const proposal = useProposal(id);
  const body = useProposalBody(proposal.data);
  const chain = useChainStatus(5_000);
  const stoaToken = chain.data?.contracts.token?.address;
  if (proposal.isPending) return <Spinner label="Loading the proposal" />;
  if (proposal.error) {
    const missing = (proposal.error as { status?: number }).status === 404;
    return (
      <section>
        <PageHeading title="Proposal">Proposal</PageHeading>
        {missing ? (
          <EmptyState title="No such proposal (yet).">
            <p>
              A new proposal appears once the node has indexed its block. <Link href="/governance">All proposals</Link>
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice error={proposal.error} onRetry={() => void proposal.refetch()} />
        )}
      </section>
    );
  }
  const p = proposal.data;
  return (
    <section>
      <p className="small">
        <Link href="/governance">← Proposals</Link>
      </p>
      <div className="page-head">
        <PageHeading title={p.title}>{p.title}</PageHeading>
        <StateBadge state={p.state} />
      </div>
      <p className="muted small" data-testid="proposal-state">
        {p.state} · proposed by <AddressText address={p.proposer} /> · id{" "}
        <span className="mono break">{p.proposalId}</span>
      </p>
      <GovernanceNav />
      <div className="grid">
        <div>
          <div className="card">
            <h2>What it does</h2>
            <ol className="actions" data-testid="actions">
              {p.calls.map((call, i) => (
                <li key={i}>
                  <strong>{describeAction(call.action, stoaToken)}</strong>
                  <details>
                    <summary className="small">Call details</summary>
                    <p className="mono break small">{describeCall(call)}</p>
                    <p className="mono break small">
                      target {call.target} · value {call.value.toString()} wei · data {call.calldata}
                    </p>
                  </details>
                </li>
              ))}
            </ol>
          </div>
          <div className="card">
            <h2>Description</h2>
            {body.isPending ? (
              <Spinner label="Fetching the text from IPFS" />
            ) : body.error ? (
              <ErrorNotice title="Could not fetch the text" error={body.error} onRetry={() => void body.refetch()} />
            ) : (
              <Suspense fallback={<Spinner />}>
                <Markdown source={withoutTitle(body.data, p.title)} />
              </Suspense>
            )}
          </div>
          <div className="card">
            <h2>Voters</h2>
            {p.votes.length === 0 ? (
              <p className="muted">No votes yet.</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="voters">
                  <thead>
                    <tr>
                      <th scope="col">Voter</th>
                      <th scope="col">Vote</th>
                      <th scope="col">Votes</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.votes.map((v) => (
                      <tr key={`${v.voter}-${v.txHash}`}>
                        <td>
                          <AddressText address={v.voter} />
                        </td>
                        <td className={`vote-${v.support}`}>{SUPPORT_TEXT[v.support]}</td>
                        <td>{formatStoa(v.weight)}</td>
                        <td>{v.reason || <span className="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </div>
        <div>
          <div className="card">
            <h2>Results</h2>
            <VoteBars proposal={p} />
          </div>
          <div className="card">
            <NextStep proposal={p} now={p.readAt} />
          </div>
          <div className="card">
            <h2>Timeline</h2>
            <ol className="timeline proposal-timeline">
              {p.timeline.map((step) => (
                <li key={step.step} className={step.done ? "done" : "todo"}>
                  <strong>{STEP_TEXT[step.step] ?? step.step}</strong>
                  <span className="visually-hidden">{step.done ? " (done)" : " (not yet)"}</span> ·{" "}
                  {formatDateTime(step.at * 1000)}
                </li>
              ))}
            </ol>
          </div>
        </div>
      </div>
    </section>
  );
}
