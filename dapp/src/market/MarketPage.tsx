/**
 * /market: search listings by words, category, currency, price range and seller, sorted and paged
 * (the node's index answers), in the URL so that a search can be shared and the back button works.
 */
import { createNodeClient, searchListings, type SearchListingsParameters } from "@stoa/sdk";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { isAddress } from "viem";
import { Link, useLocation, useSearch } from "wouter";
import { useSession } from "../session/SessionProvider.tsx";
import { AddressText } from "../ui/components.tsx";
import { NODE_URL } from "../app/config.ts";
import { useChainStatus } from "../stoa/queries.ts";
import { EmptyState, ErrorNotice, PageHeading, Spinner } from "../ui/components.tsx";
import { ListingCard } from "./ListingCard.tsx";
import { currencyOf, knownCurrencies, parseAmount } from "./money.ts";

const client = createNodeClient({ node: NODE_URL });
const SORTS = {
  relevance: "Best match",
  newest: "Newest",
  "price-asc": "Price: low to high",
  "price-desc": "Price: high to low",
} as const;

type Form = { q: string; category: string; currency: string; min: string; max: string; sort: string; seller: string };

function formOf(params: URLSearchParams): Form {
  return {
    q: params.get("q") ?? "",
    category: params.get("category") ?? "",
    currency: params.get("currency") ?? "",
    min: params.get("min") ?? "",
    max: params.get("max") ?? "",
    sort: params.get("sort") ?? "",
    seller: params.get("seller") ?? "",
  };
}

function MarketSearch() {
  const id = useId();
  const chain = useChainStatus(false);
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const applied = formOf(params);
  const [form, setForm] = useState<Form>(applied);
  const [formError, setFormError] = useState<string>();
  const { connection } = useSession();
  const me = connection?.address.toLowerCase();

  const currency = applied.currency ? currencyOf(applied.currency, chain.data) : undefined;
  const search: SearchListingsParameters = {
    ...(applied.q ? { q: applied.q } : {}),
    ...(applied.category ? { category: applied.category } : {}),
    ...(currency ? { currency: currency.id } : {}),
    ...(isAddress(applied.seller, { strict: false }) ? { seller: applied.seller } : {}),
    ...(currency && applied.min ? { minPrice: parseAmount(applied.min, currency) } : {}),
    ...(currency && applied.max ? { maxPrice: parseAmount(applied.max, currency) } : {}),
    ...(applied.sort && (applied.sort !== "relevance" || applied.q) ? { sort: applied.sort as "newest" } : {}),
    limit: 24,
  };
  const results = useInfiniteQuery({
    queryKey: ["market", "search", search],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => searchListings(client, { ...search, cursor: pageParam, signal }),
    getNextPageParam: (page) => page.next,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if ((form.min || form.max) && !form.currency) return setFormError("Choose a currency to filter by price.");
    const chosen = form.currency ? currencyOf(form.currency, chain.data) : undefined;
    for (const bound of [form.min, form.max]) {
      if (bound && chosen && parseAmount(bound, chosen) === undefined) {
        return setFormError(
          `Prices are positive amounts of ${chosen.symbol} with at most ${chosen.decimals} decimals.`,
        );
      }
    }
    setFormError(undefined);
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) if (value.trim()) next.set(key, value.trim());
    navigate(next.size > 0 ? `/market?${next}` : "/market");
  };
  const set = (key: keyof Form) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: event.target.value }));
  const items = results.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section>
      <div className="page-head">
        <PageHeading title="Market">Market</PageHeading>
        <div className="row">
          {me && (
            <Link href={`/market?seller=${me}`} className="button secondary">
              My listings
            </Link>
          )}
          <Link href="/market/orders" className="button secondary">
            My orders
          </Link>
          <Link href="/market/new" className="button">
            Sell something
          </Link>
        </div>
      </div>
      <p className="lead">
        Listings shared between Stoa nodes. Payments wait in the Marketplace contract's escrow until the buyer releases
        them; an arbiter of the DAO settles disputes.
      </p>
      <form
        className="card search-form"
        role="search"
        onSubmit={submit}
        aria-describedby={formError ? `${id}-error` : undefined}
      >
        <div className="search-main">
          <label htmlFor={`${id}-q`} className="visually-hidden">
            Search listings
          </label>
          <input
            id={`${id}-q`}
            type="search"
            className="grow"
            placeholder="Search listings"
            value={form.q}
            onChange={set("q")}
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
        <div className="filters">
          <label>
            Category
            <input value={form.category} onChange={set("category")} placeholder="any" maxLength={32} />
          </label>
          <label>
            Currency
            <select value={form.currency} onChange={set("currency")}>
              <option value="">any</option>
              {knownCurrencies(chain.data).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.symbol}
                </option>
              ))}
            </select>
          </label>
          <label>
            Min price
            <input value={form.min} onChange={set("min")} inputMode="decimal" placeholder="0" />
          </label>
          <label>
            Max price
            <input value={form.max} onChange={set("max")} inputMode="decimal" placeholder="any" />
          </label>
          <label>
            Sort
            <select value={form.sort} onChange={set("sort")}>
              <option value="">{form.q ? SORTS.relevance : SORTS.newest}</option>
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {formError && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {formError}
          </p>
        )}
      </form>
      {applied.seller && (
        <p className="muted">
          {applied.seller.toLowerCase() === me ? (
            "Your listings on sale"
          ) : (
            <>
              Listings of <AddressText address={applied.seller} />
            </>
          )}
          {" · "}
          <Link href="/market">all listings</Link>
        </p>
      )}
      {results.isPending ? (
        <Spinner label="Searching" />
      ) : results.isError ? (
        <ErrorNotice title="The search failed" error={results.error} onRetry={() => void results.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={params.size > 0 ? "Nothing matches this search." : "No listings yet."}>
          <p className="muted">
            {params.size > 0 ? "Try fewer words or filters. " : ""}
            <Link href="/market/new">Sell something</Link> and it appears here, and on every node that replicates
            listings.
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="muted small" aria-live="polite">
            {items.length} listing{items.length === 1 ? "" : "s"}
            {results.hasNextPage ? " so far" : ""}
          </p>
          <ul className="listing-grid" data-testid="results">
            {items.map((listing) => (
              <ListingCard key={listing.id} listing={listing} />
            ))}
          </ul>
          {results.hasNextPage && (
            <button
              type="button"
              className="button secondary"
              disabled={results.isFetchingNextPage}
              onClick={() => void results.fetchNextPage()}
            >
              {results.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The search, started afresh from the URL whenever it changes (a link, back, forward). */
export default function MarketPage() {
  return <MarketSearch key={useSearch()} />;
}
