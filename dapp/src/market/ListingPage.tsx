/**
 * /market/listings/:id: one listing version: images, price, description, the seller and their
 * reviews; buying into escrow (an arbiter of the DAO's set, a delivery deadline), or filling an
 * asset's signed order; edit and withdraw for its seller.
 */
import type { ListingV1 } from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";
import type { Address } from "viem";
import { contentUrl } from "../app/config.ts";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { useTransaction } from "../token/useTransaction.ts";
import { AddressText, EmptyState, ErrorNotice, Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { formatDateTime } from "../ui/format.ts";
import { useArbiters, useListing, useSellerReviews } from "./api.ts";
import { Rating } from "./ListingCard.tsx";
import { currencyOf, formatAmount } from "./money.ts";

const DAY_S = 86_400;

function BuyPanel({ listingId }: { listingId: string }) {
  const id = useId();
  const listing = useListing(listingId);
  const arbiters = useArbiters();
  const { ensureSession, noteError, connection } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const tx = useTransaction();
  const chain = useChainStatus(false);
  const [arbiter, setArbiter] = useState("");
  const [days, setDays] = useState("14");
  const body = listing.data!.body as ListingV1;
  const dayCount = Number(days);
  const daysInvalid = !Number.isInteger(dayCount) || dayCount < 1 || dayCount > 30;

  if (!connection) return <p className="muted">Connect a wallet to buy.</p>;
  if (connection.address.toLowerCase() === listing.data!.author) return null;

  const buy = async (event: FormEvent) => {
    event.preventDefault();
    if (!body.asset && (daysInvalid || !arbiter)) return;
    let orderId: bigint | undefined;
    const ok = await tx.run(body.asset ? "Buy the asset" : "Pay into escrow", async (onHash) => {
      try {
        const client = await ensureSession();
        if (body.asset) return await client.buyAsset({ listing: listing.data!, onHash });
        const deadline = BigInt(Math.floor(Date.now() / 1000) + dayCount * DAY_S);
        const bought = await client.buyListing({
          listing: listing.data!,
          arbiter: arbiter as Address,
          deliveryDeadline: deadline,
          onHash,
        });
        orderId = bought.orderId;
        return bought;
      } catch (error) {
        noteError(error);
        throw error;
      }
    });
    if (!ok) return;
    await queryClient.invalidateQueries({ queryKey: ["market"] });
    if (orderId !== undefined) navigate(`/market/orders/${orderId}`);
  };

  if (body.asset) {
    return (
      <form className="card" onSubmit={(event) => void buy(event)}>
        <h2>Buy</h2>
        <p className="muted">
          The token comes to you in the same transaction; the seller receives the price minus the creator's royalty and
          the protocol fee.
        </p>
        <button type="submit" className="button" disabled={tx.busy}>
          Buy now
        </button>
        <TxStatus state={tx.state} />
      </form>
    );
  }
  return (
    <form className="card form" onSubmit={(event) => void buy(event)} aria-busy={tx.busy}>
      <h2>Buy</h2>
      <p className="muted">
        You pay into escrow. Release the payment when the item arrives, or open a dispute before the deadline: the
        arbiter then decides the split.
      </p>
      <label htmlFor={`${id}-arbiter`}>Arbiter</label>
      {arbiters.isPending ? (
        <Spinner label="Loading arbiters" />
      ) : arbiters.isError ? (
        <ErrorNotice error={arbiters.error} onRetry={() => void arbiters.refetch()} />
      ) : (
        <select id={`${id}-arbiter`} value={arbiter} onChange={(event) => setArbiter(event.target.value)} required>
          <option value="">Choose an arbiter</option>
          {arbiters.data.map((a) => (
            <option key={a.arbiter} value={a.arbiter.toLowerCase()}>
              {a.arbiter}
            </option>
          ))}
        </select>
      )}
      <label htmlFor={`${id}-days`}>Delivery deadline (days from now, 1-30)</label>
      <input
        id={`${id}-days`}
        inputMode="numeric"
        value={days}
        onChange={(event) => setDays(event.target.value)}
        aria-invalid={daysInvalid}
      />
      {daysInvalid && <p className="field-error">Enter a whole number of days from 1 to 30.</p>}
      <div className="row">
        <button type="submit" className="button" disabled={tx.busy || !arbiter || daysInvalid}>
          Pay {formatAmount(body.price, currencyOf(body.currency, chain.data))} into escrow
        </button>
      </div>
      <TxStatus state={tx.state} />
    </form>
  );
}

function SellerActions({ listingId }: { listingId: string }) {
  const listing = useListing(listingId);
  const { ensureSession, noteError } = useSession();
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ busy?: boolean; error?: unknown }>({});
  const withdraw = async () => {
    setState({ busy: true });
    try {
      const client = await ensureSession();
      await client.withdrawListing({ listing: listing.data! });
      await queryClient.invalidateQueries({ queryKey: ["market"] });
      setState({});
    } catch (error) {
      noteError(error);
      setState({ error });
    }
  };
  return (
    <div className="card">
      <h2>Your listing</h2>
      <div className="row">
        <Link href={`/market/listings/${listingId}/edit`} className="button secondary">
          Edit
        </Link>
        <button type="button" className="button secondary" disabled={state.busy} onClick={() => void withdraw()}>
          {state.busy ? "Withdrawing…" : "Withdraw"}
        </button>
      </div>
      {state.error !== undefined && <ErrorNotice title="Not withdrawn" error={state.error} />}
    </div>
  );
}

function SellerReviews({ seller }: { seller: string }) {
  const reviews = useSellerReviews(seller);
  if (reviews.isPending) return <Spinner label="Loading reviews" />;
  if (reviews.isError) return <ErrorNotice error={reviews.error} onRetry={() => void reviews.refetch()} />;
  if (reviews.data.reviews.length === 0) return <p className="muted">No reviews yet.</p>;
  return (
    <ul className="plain reviews">
      {reviews.data.reviews.map((review) => {
        const r = review.body as { rating: number; text: string };
        return (
          <li key={review.id}>
            <span aria-label={`${r.rating} of 5`}>{"★".repeat(r.rating)}</span> {r.text}{" "}
            <span className="muted small">
              — <AddressText address={review.author} />, {formatDateTime(review.createdAt)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export default function ListingPage({ id }: { id: string }) {
  const listing = useListing(id);
  const chain = useChainStatus(false);
  const { connection } = useSession();
  if (listing.isPending) return <Spinner label="Loading the listing" />;
  if (listing.isError) {
    return (
      <section>
        <PageHeading title="Listing">Listing</PageHeading>
        <ErrorNotice title="Could not load the listing" error={listing.error} onRetry={() => void listing.refetch()} />
      </section>
    );
  }
  const record = listing.data;
  const body = record.body as ListingV1;
  const own = connection?.address.toLowerCase() === record.author;
  const withdrawn = body.status === "withdrawn";
  return (
    <section>
      <PageHeading title={body.title}>{body.title}</PageHeading>
      <p className="lead">
        <span className="price">{formatAmount(body.price, currencyOf(body.currency, chain.data))}</span> ·{" "}
        {body.category} · {body.kind}
        {body.asset ? " · NFT" : ` · ${body.quantity} available`}
      </p>
      {!record.current && <Notice kind="warning">A newer version of this listing replaced this one.</Notice>}
      {withdrawn && <Notice kind="warning">The seller withdrew this listing.</Notice>}
      <div className="listing-detail">
        <div>
          {body.images.length > 0 ? (
            <ul className="gallery">
              {body.images.map((cid, i) => (
                <li key={cid}>
                  <img src={contentUrl(cid)} alt={`${body.title}, image ${i + 1}`} width="480" height="320" />
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No images." />
          )}
          <div className="card">
            <h2>Description</h2>
            <p className="bio">{body.description}</p>
          </div>
        </div>
        <div>
          <div className="card">
            <h2>Seller</h2>
            <p>
              <Link href={`/profile/${record.author}`}>
                <AddressText address={record.author} />
              </Link>{" "}
              · <Rating rating={record.sellerRating} /> ·{" "}
              <Link href={`/market?seller=${record.author}`}>all their listings</Link>
            </p>
            <SellerReviews seller={record.author} />
          </div>
          {own
            ? !withdrawn && record.current && <SellerActions listingId={id} />
            : !withdrawn && record.current && <BuyPanel listingId={id} />}
        </div>
      </div>
    </section>
  );
}
