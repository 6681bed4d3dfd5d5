/**
 * /governance/polls/new: a poll, checked against the protocol's schema as you type (the node
 * checks the same, and also that you had voting power at the snapshot), then signed in the
 * wallet and written. No gas.
 */
import { MAX_POLL_CHOICES, pollV1, POLL_SYSTEMS, type PollSystem } from "@stoa/protocol";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useLocation } from "wouter";
import { useSession } from "../../session/SessionProvider.tsx";
import { useChainStatus } from "../../stoa/queries.ts";
import { EmptyState, ErrorNotice, Notice, PageHeading } from "../../ui/components.tsx";
import { SYSTEM_LABELS } from "./api.ts";
import { GovernanceNav } from "../GovernanceNav.tsx";

const HOUR = 3_600;
const PERIODS = [
  { seconds: HOUR, label: "1 hour" },
  { seconds: 24 * HOUR, label: "1 day" },
  { seconds: 3 * 24 * HOUR, label: "3 days" },
  { seconds: 7 * 24 * HOUR, label: "1 week" },
  { seconds: 14 * 24 * HOUR, label: "2 weeks" },
];
const SYSTEM_HINTS: Record<PollSystem, string> = {
  single: "Each voter picks one answer; it gets their full voting power.",
  approval: "Each voter approves any number of answers; each gets their full voting power.",
  quadratic: "Each voter splits their power across answers; influence grows with its square root (Snapshot's).",
};

type Field = "title" | "body" | "choices" | "start" | "end" | "snapshot" | `choices.${number}`;

export default function NewPollPage() {
  const id = useId();
  const chain = useChainStatus(false);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const { connection, ensureSession, noteError } = useSession();
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [choices, setChoices] = useState(["", ""]);
  const [system, setSystem] = useState<PollSystem>("single");
  const [start, setStart] = useState("");
  const [period, setPeriod] = useState(7 * 24 * HOUR);
  const [touched, setTouched] = useState(false);
  const [save, setSave] = useState<{ step?: string; error?: unknown }>({});
  const [loadedAt] = useState(() => Math.floor(Date.now() / 1000));

  const head = chain.data?.head.timestamp ?? loadedAt;
  const startSeconds = start ? Math.floor(new Date(start).getTime() / 1000) : undefined;
  const opens = startSeconds ?? head;
  const parsed = pollV1.safeParse({
    chainId: chain.data?.chainId ?? 1,
    token: chain.data?.contracts.token?.address.toLowerCase() ?? `0x${"0".repeat(40)}`,
    title: title.trim(),
    body: text,
    choices: choices.map((c) => c.trim()),
    system,
    start: Number.isFinite(opens) ? opens : 0,
    end: (Number.isFinite(opens) ? opens : 0) + period,
    snapshot: Math.min(head - 1, Number.isFinite(opens) ? opens : 0),
  });
  const errors: Partial<Record<Field, string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, second] = issue.path.map(String);
      const field = (first === "choices" && second !== undefined ? `choices.${second}` : first) as Field;
      errors[field] ??=
        field === "title"
          ? "A question is one line of 1-200 characters."
          : field.startsWith("choices.")
            ? "An answer is one line of 1-100 characters."
            : field === "choices"
              ? issue.code === "custom"
                ? "Answers must differ from each other."
                : `Give 2-${MAX_POLL_CHOICES} answers.`
              : field === "start" || field === "snapshot"
                ? "Opening must be now or later."
                : issue.message;
    }
  }
  if (start && !Number.isFinite(startSeconds)) errors.start = "Enter a date and time, or leave empty to open now.";
  else if (startSeconds !== undefined && startSeconds < head - 60) errors.start = "Opening must be now or later.";
  const shown = touched ? errors : {};
  const described = (field: Field) => (shown[field] ? `${id}-${field}-error` : undefined);
  const fieldError = (field: Field) =>
    shown[field] && (
      <p id={`${id}-${field}-error`} className="field-error">
        {shown[field]}
      </p>
    );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    try {
      setSave({ step: "Signing in" });
      const client = await ensureSession();
      setSave({ step: "Sign the poll in your wallet" });
      const { records } = await client.createPoll({
        title: title.trim(),
        body: text,
        choices: choices.map((c) => c.trim()),
        system,
        ...(startSeconds !== undefined ? { start: startSeconds } : {}),
        duration: period,
      });
      await queryClient.invalidateQueries({ queryKey: ["polls"] });
      navigate(`/governance/polls/${records[0]!.id}`);
    } catch (error) {
      noteError(error);
      setSave({ error });
    }
  }
  const busy = save.step !== undefined && save.error === undefined;

  return (
    <section>
      <PageHeading title="New poll">New poll</PageHeading>
      <p className="lead">
        A poll is a record signed by your wallet; every node that replicates polls shows it. Votes weigh the voting
        power (delegated STOA) each voter had when the poll was created.
      </p>
      <GovernanceNav />
      {!connection ? (
        <EmptyState title="Connect a wallet to create a poll.">
          <p className="muted">You need voting power: delegate your STOA (to yourself) on the Token page first.</p>
        </EmptyState>
      ) : (
        <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
          <label htmlFor={`${id}-title`}>Question</label>
          <input
            id={`${id}-title`}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={200}
            aria-invalid={Boolean(shown.title)}
            aria-describedby={described("title")}
          />
          {fieldError("title")}
          <label htmlFor={`${id}-body`}>Details (Markdown, optional)</label>
          <textarea
            id={`${id}-body`}
            rows={6}
            value={text}
            onChange={(event) => setText(event.target.value)}
            maxLength={20_000}
            aria-invalid={Boolean(shown.body)}
            aria-describedby={described("body")}
          />
          {fieldError("body")}
          <fieldset aria-describedby={described("choices")}>
            <legend>Answers</legend>
            <ol className="poll-choice-inputs">
              {choices.map((choice, i) => (
                <li key={i}>
                  <input
                    value={choice}
                    onChange={(event) => setChoices((all) => all.map((c, j) => (j === i ? event.target.value : c)))}
                    maxLength={100}
                    aria-label={`Answer ${i + 1}`}
                    aria-invalid={Boolean(shown[`choices.${i}`])}
                    aria-describedby={described(`choices.${i}`)}
                  />
                  {choices.length > 2 && (
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => setChoices((all) => all.filter((_, j) => j !== i))}
                      aria-label={`Remove answer ${i + 1}`}
                    >
                      Remove
                    </button>
                  )}
                  {fieldError(`choices.${i}`)}
                </li>
              ))}
            </ol>
            {choices.length < MAX_POLL_CHOICES && (
              <button
                type="button"
                className="button secondary small"
                onClick={() => setChoices((all) => [...all, ""])}
              >
                Add an answer
              </button>
            )}
            {fieldError("choices")}
          </fieldset>
          <fieldset className="stars">
            <legend>Voting system</legend>
            {POLL_SYSTEMS.map((s) => (
              <label key={s}>
                <input type="radio" name={`${id}-system`} checked={system === s} onChange={() => setSystem(s)} />{" "}
                {SYSTEM_LABELS[s]}
              </label>
            ))}
          </fieldset>
          <p className="hint">{SYSTEM_HINTS[system]}</p>
          <div className="filters">
            <label>
              Opens (empty: now)
              <input
                type="datetime-local"
                value={start}
                onChange={(event) => setStart(event.target.value)}
                aria-invalid={Boolean(shown.start)}
                aria-describedby={described("start")}
              />
            </label>
            <label>
              Voting period
              <select value={period} onChange={(event) => setPeriod(Number(event.target.value))}>
                {PERIODS.map((p) => (
                  <option key={p.seconds} value={p.seconds}>
                    {p.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {fieldError("start")}
          {fieldError("end")}
          {fieldError("snapshot")}
          <p className="hint">
            Times follow the chain's clock. Voting power is read as of the chain's latest block when you publish.
          </p>
          {busy && <Notice title="Publishing">{save.step}…</Notice>}
          {save.error !== undefined && <ErrorNotice title="Not published" error={save.error} />}
          <div className="row">
            <button type="submit" className="button" disabled={busy}>
              Publish the poll
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
