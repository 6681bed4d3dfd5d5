/**
 * /governance: the DAO at a glance (its rules and the marketplace's parameters, your voting
 * power) and its proposals, newest first, filtered by state, each with its votes and quorum.
 */
import type { Proposal, ProposalState } from "@stoa/sdk";
import { useId, useState } from "react";
import { Link } from "wouter";
import { useSession } from "../session/SessionProvider.tsx";
import { AddressText, EmptyState, ErrorNotice, PageHeading, Spinner } from "../ui/components.tsx";
import { formatStoa } from "../ui/errors.ts";
import { formatDateTime } from "../ui/format.ts";
import { useDaoSettings, useProposals, useVotingPower } from "./api.ts";
import { formatBps } from "./describe.ts";
import { GovernanceNav } from "./GovernanceNav.tsx";
import { StateBadge, VoteBars } from "./VoteBars.tsx";

const FILTERS: { value: "all" | ProposalState; label: string }[] = [
  { value: "all", label: "All" },
  { value: "active", label: "Voting" },
  { value: "pending", label: "Pending" },
  { value: "succeeded", label: "Succeeded" },
  { value: "queued", label: "Queued" },
  { value: "executed", label: "Executed" },
  { value: "defeated", label: "Defeated" },
];

const hours = (seconds: bigint) => {
  const s = Number(seconds);
  return s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;
};

function DaoSettings() {
  const settings = useDaoSettings();
  if (settings.isPending) return <Spinner label="Reading the DAO's settings" />;
  if (settings.error) return <ErrorNotice error={settings.error} onRetry={() => void settings.refetch()} />;
  const s = settings.data;
  return (
    <dl className="stats" data-testid="dao-settings">
      <div>
        <dt>Marketplace fee</dt>
        <dd data-testid="marketplace-fee">{formatBps(s.params.protocolFeeBps)}</dd>
      </div>
      <div>
        <dt>Arbiter fee</dt>
        <dd>{formatBps(s.params.arbiterFeeBps)}</dd>
      </div>
      <div>
        <dt>Quorum</dt>
        <dd>{s.quorumPercent.toString()}% of supply</dd>
      </div>
      <div>
        <dt>Voting</dt>
        <dd>
          {hours(s.votingPeriod)} <span className="small muted">after {hours(s.votingDelay)}</span>
        </dd>
      </div>
      <div>
        <dt>Timelock</dt>
        <dd>{hours(s.timelockDelay)}</dd>
      </div>
      <div>
        <dt>To propose</dt>
        <dd className="small">{formatStoa(s.proposalThreshold)}</dd>
      </div>
    </dl>
  );
}

function MyPower() {
  const { connection } = useSession();
  const power = useVotingPower(connection?.address);
  if (!connection) {
    return <p className="muted">Connect a wallet to vote, propose and delegate.</p>;
  }
  if (!power.data)
    return power.error ? <ErrorNotice error={power.error} /> : <Spinner label="Reading your voting power" />;
  const { votes, balance, delegatee } = power.data;
  const undelegated = /^0x0+$/.test(delegatee);
  return (
    <p data-testid="my-power">
      Your voting power: <strong>{formatStoa(votes)}</strong> · balance {formatStoa(balance)} ·{" "}
      {undelegated ? (
        <>
          not delegated: your STOA does not vote yet. <Link href="/governance/delegates">Delegate</Link>
        </>
      ) : (
        <>
          delegated to <AddressText address={delegatee} /> · <Link href="/governance/delegates">Change</Link>
        </>
      )}
    </p>
  );
}

function ProposalRow({ proposal }: { proposal: Proposal }) {
  const when =
    proposal.state === "pending"
      ? `Voting opens ${formatDateTime(proposal.voteStart * 1000)}`
      : proposal.state === "active"
        ? `Voting closes ${formatDateTime(proposal.voteEnd * 1000)}`
        : proposal.state === "queued" && proposal.eta
          ? `Executable from ${formatDateTime(proposal.eta * 1000)}`
          : `Voting closed ${formatDateTime(proposal.voteEnd * 1000)}`;
  return (
    <li className="card proposal-row">
      <div className="page-head">
        <h2 className="proposal-title">
          <Link href={`/governance/proposals/${proposal.proposalId}`}>{proposal.title}</Link>
        </h2>
        <StateBadge state={proposal.state} />
      </div>
      <p className="small muted">
        By <AddressText address={proposal.proposer} /> · {when} · {proposal.calls.length} action
        {proposal.calls.length === 1 ? "" : "s"}
      </p>
      <VoteBars proposal={proposal} compact />
    </li>
  );
}

export default function ProposalsPage() {
  const id = useId();
  const proposals = useProposals();
  const [filter, setFilter] = useState<"all" | ProposalState>("all");
  const shown = proposals.data?.filter((p) => filter === "all" || p.state === filter) ?? [];
  return (
    <section>
      <div className="page-head">
        <PageHeading title="Governance">Governance</PageHeading>
        <Link href="/governance/proposals/new" className="button">
          New proposal
        </Link>
      </div>
      <p className="lead">
        STOA holders steer Stoa: its fees, arbiters, certificate issuers, treasury and deny list. Proposals pass by
        vote, wait in the timelock, then anyone executes them.
      </p>
      <GovernanceNav />
      <DaoSettings />
      <MyPower />
      <div className="page-head">
        <h2>Proposals</h2>
        <div className="row">
          <label htmlFor={`${id}-state`}>Show</label>
          <select id={`${id}-state`} value={filter} onChange={(e) => setFilter(e.target.value as typeof filter)}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {proposals.isPending ? (
        <Spinner label="Loading proposals" />
      ) : proposals.error ? (
        <ErrorNotice
          title="Could not load the proposals"
          error={proposals.error}
          onRetry={() => void proposals.refetch()}
        />
      ) : shown.length === 0 ? (
        <EmptyState title={filter === "all" ? "No proposals yet." : "No proposals in this state."}>
          <p>
            Anyone with enough voting power can <Link href="/governance/proposals/new">make the first one</Link>.
          </p>
        </EmptyState>
      ) : (
        <ul className="plain proposal-list" data-testid="proposals">
          {shown.map((proposal) => (
            <ProposalRow key={proposal.proposalId} proposal={proposal} />
          ))}
        </ul>
      )}
    </section>
  );
}
