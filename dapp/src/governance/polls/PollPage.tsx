/**
 * /governance/polls/:id: the question, its Markdown body (rendered safely), the vote form of its
 * system, your current vote, the results with bars, and "Re-verify": the tally recomputed in this
 * browser from the signed records and the chain, compared with the node's.
 */
import {
  createStoaClient,
  type ApiPoll,
  type ApiPollTally,
  type ApiPollVote,
  type PollChoice,
  type PollV1,
  type PollVoteV1,
  type StoaClient,
  type VerifyPollTallyReturnType,
} from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useId, useState, type FormEvent } from "react";
import { http } from "viem";
import { Link } from "wouter";
import { NODE_URL } from "../../app/config.ts";
import { useSession } from "../../session/SessionProvider.tsx";
import { useChainStatus } from "../../stoa/queries.ts";
import { AddressText, ErrorNotice, Notice, PageHeading, Spinner } from "../../ui/components.tsx";
import { formatDateTime } from "../../ui/format.ts";
import { formatWeight, STATE_LABELS, SYSTEM_LABELS, useMyVote, usePoll, usePollTally } from "./api.ts";
import { GovernanceNav } from "../GovernanceNav.tsx";

const Markdown = lazy(() => import("../../ui/Markdown.tsx"));

/** The choice as words: "Yes"; "Yes, Abstain"; "Yes 25%, No 75%". */
function describeChoice(poll: PollV1, choice: PollChoice): string {
  if (typeof choice === "number") return poll.choices[choice] ?? `#${choice}`;
  if (Array.isArray(choice)) return choice.map((i) => poll.choices[i] ?? `#${i}`).join(", ");
  const total = Object.values(choice).reduce((a, b) => a + b, 0);
  return Object.entries(choice)
    .filter(([, points]) => points > 0)
    .map(([i, points]) => `${poll.choices[Number(i)] ?? `#${i}`} ${Math.round((points / total) * 100)}%`)
    .join(", ");
}

function VoteForm({ poll, myVote }: { poll: ApiPoll; myVote: ApiPollVote | null | undefined }) {
  const id = useId();
  const body = poll.body as PollV1;
  const { connection, ensureSession, noteError } = useSession();
  const queryClient = useQueryClient();
  const current = (myVote?.body as PollVoteV1 | undefined)?.choice;
  const [single, setSingle] = useState<number | undefined>(typeof current === "number" ? current : undefined);
  const [approved, setApproved] = useState<number[]>(Array.isArray(current) ? current : []);
  const [points, setPoints] = useState<string[]>(() =>
    body.choices.map((_, i) =>
      current && typeof current === "object" && !Array.isArray(current) ? String(current[String(i)] ?? 0) : "0",
    ),
  );
  const [reason, setReason] = useState("");
  const [send, setSend] = useState<{ step?: string; error?: unknown; done?: boolean }>({});

  const numbers = points.map((p) => (/^[0-9]{1,9}$/.test(p.trim()) ? Number(p) : NaN));
  const pointsTotal = numbers.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  let choice: PollChoice | undefined;
  let problem: string | undefined;
  if (body.system === "single") {
    choice = single;
    if (single === undefined) problem = "Choose one answer.";
  } else if (body.system === "approval") {
    choice = [...approved].sort((a, b) => a - b);
    if (approved.length === 0) problem = "Approve at least one answer.";
  } else {
    if (numbers.some((n) => !Number.isFinite(n))) problem = "Points are whole numbers from 0.";
    else if (pointsTotal === 0) problem = "Give at least one answer some points.";
    else choice = Object.fromEntries(numbers.flatMap((n, i) => (n > 0 ? [[String(i), n]] : [])));
  }
  if (reason.length > 1000) problem = "A reason is at most 1,000 characters.";

  if (poll.state !== "active") {
    return (
      <p className="muted">
        {poll.state === "upcoming"
          ? `Voting opens ${formatDateTime(body.start * 1000)} (by the chain's clock).`
          : "Voting has closed."}
      </p>
    );
  }
  if (!connection) return <p className="muted">Connect a wallet to vote.</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem || choice === undefined) return setSend({ error: new Error(problem) });
    try {
      setSend({ step: "Sign the vote in your wallet" });
      const client = await ensureSession();
      await client.castPollVote({ poll, choice, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      setSend({ done: true });
      setReason("");
      await queryClient.invalidateQueries({ queryKey: ["polls"] });
    } catch (error) {
      noteError(error);
      setSend({ error });
    }
  };
  const busy = send.step !== undefined && send.error === undefined && !send.done;

  return (
    <form className="card form vote-form" onSubmit={(event) => void submit(event)} aria-busy={busy} noValidate>
      <h2>{myVote ? "Change your vote" : "Vote"}</h2>
      <fieldset className="vote-choices">
        <legend>
          {body.system === "single"
            ? "Your answer"
            : body.system === "approval"
              ? "Every answer you approve"
              : "Split your voting power: points per answer"}
        </legend>
        {body.choices.map((label, i) =>
          body.system === "single" ? (
            <label key={i} className="vote-option">
              <input type="radio" name={`${id}-choice`} checked={single === i} onChange={() => setSingle(i)} /> {label}
            </label>
          ) : body.system === "approval" ? (
            <label key={i} className="vote-option">
              <input
                type="checkbox"
                checked={approved.includes(i)}
                onChange={(event) =>
                  setApproved((all) => (event.target.checked ? [...all, i] : all.filter((x) => x !== i)))
                }
              />{" "}
              {label}
            </label>
          ) : (
            <label key={i} className="vote-option quadratic">
              <span>{label}</span>
              <input
                inputMode="numeric"
                value={points[i]}
                onChange={(event) => setPoints((all) => all.map((p, j) => (j === i ? event.target.value : p)))}
                aria-label={`Points for ${label}`}
              />
              <span className="muted small" aria-hidden="true">
                {pointsTotal > 0 && Number.isFinite(numbers[i])
                  ? `${Math.round((numbers[i]! / pointsTotal) * 100)}%`
                  : ""}
              </span>
            </label>
          ),
        )}
      </fieldset>
      <label htmlFor={`${id}-reason`}>Reason (optional, public)</label>
      <textarea id={`${id}-reason`} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />
      {busy && <Notice title="Voting">{send.step}…</Notice>}
      {send.done && (
        <Notice kind="success" title="Vote recorded">
          It counts in the results below.
        </Notice>
      )}
      {send.error !== undefined && <ErrorNotice title="Not voted" error={send.error} />}
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          {myVote ? "Change vote" : "Cast vote"}
        </button>
        <span className="muted small">No gas: you sign a record. A later vote replaces an earlier one.</span>
      </div>
    </form>
  );
}

function Results({ poll, tally }: { poll: PollV1; tally: ApiPollTally }) {
  const scores = tally.scores.map(BigInt);
  const base = poll.system === "quadratic" ? scores.reduce((a, b) => a + b, 0n) : BigInt(tally.totalWeight);
  const percent = (score: bigint) => (base === 0n ? 0 : Number((score * 10_000n) / base) / 100);
  return (
    <div>
      <ul className="poll-results" data-testid="results">
        {poll.choices.map((label, i) => (
          <li key={i}>
            <div className="poll-result-line">
              <span className="poll-result-label">{label}</span>
              <span className="poll-result-score" data-testid={`score-${i}`}>
                {formatWeight(scores[i]!)} · {percent(scores[i]!)}%
              </span>
            </div>
            <div className="poll-bar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, percent(scores[i]!))}%` }} />
            </div>
          </li>
        ))}
      </ul>
      <p className="muted small" data-testid="voters">
        {tally.voters} voter{tally.voters === 1 ? "" : "s"} · {formatWeight(tally.totalWeight)} of voting power at the
        snapshot
        {poll.system === "quadratic" && " · quadratic: each voter counts with the square root of their power"}
        {poll.system === "approval" && " · approval: each voter's power goes to every answer they approve"}
      </p>
    </div>
  );
}

/** A client that reads the chain: the wallet's, or the node's RPC for a visitor without one. */
function verifier(client: StoaClient | undefined, rpcUrl: string | undefined): StoaClient {
  if (client) return client;
  if (!rpcUrl) throw new Error("The chain's RPC is unknown: connect a wallet to re-verify.");
  return createStoaClient({ node: NODE_URL, provider: http(rpcUrl) });
}

function Verify({ pollId }: { pollId: string }) {
  const { client } = useSession();
  const chain = useChainStatus(false);
  const [run, setRun] = useState<{ busy?: boolean; result?: VerifyPollTallyReturnType; error?: unknown }>({});
  const start = async () => {
    setRun({ busy: true });
    try {
      const result = await verifier(client, chain.data?.rpcUrl).verifyPollTally({ id: pollId });
      setRun({ result });
    } catch (error) {
      setRun({ error });
    }
  };
  return (
    <div className="verify">
      <div className="row">
        <button type="button" className="button secondary" onClick={() => void start()} disabled={run.busy}>
          Re-verify
        </button>
        <span className="muted small">
          Checks every vote's signature here, reads each voter's power from the chain and recounts.
        </span>
      </div>
      <div aria-live="polite">
        {run.busy && <Spinner label="Recounting in your browser" />}
        {run.result?.matches && (
          <Notice kind="success" title="Verified: the tally matches">
            {run.result.verifiedVotes} signed vote{run.result.verifiedVotes === 1 ? "" : "s"} checked, weights read at
            the snapshot, the same scores.
          </Notice>
        )}
        {run.result && !run.result.matches && (
          <Notice kind="error" title="The node's tally differs from the recount">
            <ul>
              {run.result.differences.slice(0, 10).map((d) => (
                <li key={d.field}>
                  <span className="mono">{d.field}</span>: node {d.node}, recount {d.local}
                </li>
              ))}
            </ul>
          </Notice>
        )}
        {run.error !== undefined && <ErrorNotice title="Could not re-verify" error={run.error} />}
      </div>
    </div>
  );
}

export default function PollPage({ id }: { id: string }) {
  const poll = usePoll(id);
  const tally = usePollTally(id, poll.isSuccess);
  const { connection } = useSession();
  const me = connection?.address.toLowerCase();
  const myVote = useMyVote(id, me);

  if (poll.isPending) return <Spinner label="Loading the poll" />;
  if (poll.isError) {
    return (
      <section>
        <PageHeading title="Poll">Poll</PageHeading>
        <ErrorNotice title="The poll did not load" error={poll.error} onRetry={() => void poll.refetch()} />
        <Link href="/governance/polls">All polls</Link>
      </section>
    );
  }
  const body = poll.data.body as PollV1;
  return (
    <section className="poll-page">
      <p className="muted small">
        <Link href="/governance/polls">Polls</Link> ›
      </p>
      <PageHeading title={body.title}>{body.title}</PageHeading>
      <p className="poll-meta">
        <span className={`badge poll-state-${poll.data.state}`}>{STATE_LABELS[poll.data.state]}</span>{" "}
        {SYSTEM_LABELS[body.system]} · by <AddressText address={poll.data.author} /> ·{" "}
        {formatDateTime(body.start * 1000)} – {formatDateTime(body.end * 1000)} · voting power as of{" "}
        {formatDateTime(body.snapshot * 1000)}
      </p>
      <GovernanceNav />
      {body.body && (
        <Suspense fallback={<Spinner label="Loading the text" />}>
          <Markdown source={body.body} />
        </Suspense>
      )}
      {myVote.data && (
        <Notice title="Your vote" kind="info">
          <span data-testid="my-vote">{describeChoice(body, (myVote.data.body as PollVoteV1).choice)}</span>, cast{" "}
          {formatDateTime(myVote.data.createdAt)}
        </Notice>
      )}
      {/* Remounted once the vote has loaded (to start from it), not when it changes (that would hide "Vote recorded"). */}
      <VoteForm key={myVote.isPending ? "loading" : "loaded"} poll={poll.data} myVote={myVote.data} />
      <section className="card" aria-labelledby="results-heading">
        <h2 id="results-heading">Results</h2>
        {tally.isPending ? (
          <Spinner label="Counting" />
        ) : tally.isError ? (
          <ErrorNotice title="No tally" error={tally.error} onRetry={() => void tally.refetch()} />
        ) : (
          <Results poll={body} tally={tally.data} />
        )}
        <Verify pollId={id} />
      </section>
    </section>
  );
}
