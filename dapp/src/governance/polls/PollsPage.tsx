/**
 * /governance/polls: gasless polls shared between Stoa nodes, newest first, filtered by state
 * (by the chain's clock) in the URL, paged.
 */
import { getPolls, type ApiPoll, type PollState, type PollV1 } from "@stoa/sdk";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link, useLocation, useSearch } from "wouter";
import { AddressText, EmptyState, ErrorNotice, PageHeading, Spinner } from "../../ui/components.tsx";
import { formatDateTime } from "../../ui/format.ts";
import { pollsClient, STATE_LABELS, SYSTEM_LABELS } from "./api.ts";
import { GovernanceNav } from "../GovernanceNav.tsx";

const FILTERS: { state?: PollState; label: string }[] = [
  { label: "All" },
  { state: "active", label: "Open" },
  { state: "upcoming", label: "Upcoming" },
  { state: "ended", label: "Closed" },
];

function when(poll: PollV1, state: PollState): string {
  if (state === "upcoming") return `Opens ${formatDateTime(poll.start * 1000)}`;
  if (state === "active") return `Closes ${formatDateTime(poll.end * 1000)}`;
  return `Closed ${formatDateTime(poll.end * 1000)}`;
}

function PollCard({ poll }: { poll: ApiPoll }) {
  const body = poll.body as PollV1;
  return (
    <li className="card poll-card">
      <div className="poll-card-head">
        <span className={`badge poll-state-${poll.state}`}>{STATE_LABELS[poll.state]}</span>
        <span className="muted small">{SYSTEM_LABELS[body.system]}</span>
      </div>
      <h2 className="poll-card-title">
        <Link href={`/governance/polls/${poll.id}`}>{body.title}</Link>
      </h2>
      <p className="muted small">
        {body.choices.length} choices · {when(body, poll.state)} · by <AddressText address={poll.author} />
      </p>
    </li>
  );
}

export default function PollsPage() {
  const [, navigate] = useLocation();
  const state = new URLSearchParams(useSearch()).get("state") as PollState | null;
  const filter = FILTERS.find((f) => f.state === state) ?? FILTERS[0]!;
  const polls = useInfiniteQuery({
    queryKey: ["polls", "list", filter.state ?? "all"],
    initialPageParam: undefined as string | undefined,
    refetchInterval: 10_000,
    queryFn: ({ pageParam, signal }) =>
      getPolls(pollsClient, { ...(filter.state ? { state: filter.state } : {}), cursor: pageParam, signal }),
    getNextPageParam: (page) => page.next,
  });
  const items = polls.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section>
      <div className="page-head">
        <PageHeading title="Polls">Polls</PageHeading>
        <div className="row">
          <Link href="/governance/polls/new" className="button">
            New poll
          </Link>
        </div>
      </div>
      <p className="lead">
        Gasless polls: questions and votes are records signed by wallets and shared between nodes; each vote weighs the
        voter's STOA voting power at the poll's snapshot, read from the chain. Anyone can recompute a tally.
      </p>
      <GovernanceNav />
      <nav className="tabs" aria-label="Polls by state">
        {FILTERS.map((f) => (
          <button
            key={f.label}
            type="button"
            className={f === filter ? "tab active" : "tab"}
            aria-current={f === filter ? "page" : undefined}
            onClick={() => navigate(f.state ? `/governance/polls?state=${f.state}` : "/governance/polls")}
          >
            {f.label}
          </button>
        ))}
      </nav>
      {polls.isPending ? (
        <Spinner label="Loading polls" />
      ) : polls.isError ? (
        <ErrorNotice title="The polls did not load" error={polls.error} onRetry={() => void polls.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filter.state ? `No ${filter.label.toLowerCase()} polls.` : "No polls yet."}>
          <p className="muted">
            <Link href="/governance/polls/new">Ask the DAO a question</Link>: anyone with voting power at the snapshot
            can.
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="poll-list" data-testid="polls">
            {items.map((poll) => (
              <PollCard key={poll.id} poll={poll} />
            ))}
          </ul>
          {polls.hasNextPage && (
            <button
              type="button"
              className="button secondary"
              disabled={polls.isFetchingNextPage}
              onClick={() => void polls.fetchNextPage()}
            >
              {polls.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
