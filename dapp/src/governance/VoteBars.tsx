/** For / against / abstain as bars, and the quorum's progress (for + abstain count towards it). */
import type { Proposal } from "@stoa/sdk";
import { formatStoa } from "../ui/errors.ts";

const percent = (part: bigint, whole: bigint) => (whole === 0n ? 0 : Number((part * 10_000n) / whole) / 100);

export function VoteBars({
  proposal,
  compact = false,
}: {
  proposal: Pick<Proposal, "tally" | "quorum">;
  compact?: boolean;
}) {
  const { tally, quorum } = proposal;
  const total = tally.for + tally.against + tally.abstain;
  const counted = tally.for + tally.abstain;
  const rows = [
    { key: "for", label: "For", value: tally.for },
    { key: "against", label: "Against", value: tally.against },
    { key: "abstain", label: "Abstain", value: tally.abstain },
  ] as const;
  const quorumShare = Math.min(100, percent(counted, quorum));
  return (
    <div className={compact ? "vote-bars compact" : "vote-bars"}>
      {rows.map((row) => (
        <div key={row.key} className="vote-row" data-testid={`votes-${row.key}`}>
          <span className="vote-label">{row.label}</span>
          <span className="vote-track" aria-hidden="true">
            <span className={`vote-fill ${row.key}`} style={{ width: `${percent(row.value, total)}%` }} />
          </span>
          <span className="vote-value">
            {formatStoa(row.value)} <span className="muted">({percent(row.value, total)}%)</span>
          </span>
        </div>
      ))}
      <div className="vote-row quorum">
        <span className="vote-label">Quorum</span>
        <span
          className="vote-track"
          role="progressbar"
          aria-label="Quorum reached"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(quorumShare)}
        >
          <span className={`vote-fill ${quorumShare >= 100 ? "for" : "quorum"}`} style={{ width: `${quorumShare}%` }} />
        </span>
        <span className="vote-value">
          {formatStoa(counted)} of {formatStoa(quorum)}
        </span>
      </div>
    </div>
  );
}

export function StateBadge({ state }: { state: Proposal["state"] }) {
  return <span className={`badge state-${state}`}>{STATE_LABEL[state]}</span>;
}

const STATE_LABEL: Record<Proposal["state"], string> = {
  pending: "Pending",
  active: "Voting",
  canceled: "Canceled",
  defeated: "Defeated",
  succeeded: "Succeeded",
  queued: "Queued",
  expired: "Expired",
  executed: "Executed",
};
