/**
 * /market/orders/:id: one order: what was bought, the parties, the money, its timeline on chain,
 * and what the connected account may do now: the buyer releases or disputes, the seller refunds
 * or claims after the deadline, the arbiter rules a split, either party settles an unruled
 * dispute; after it, the buyer reviews the seller. Notes between the parties are encrypted end
 * to end (OrderNotes).
 */
import type { ApiMarketOrder, ListingV1, StoaClient } from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link } from "wouter";
import type { Hash, TransactionReceipt } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { useTransaction } from "../token/useTransaction.ts";
import { AddressText, ErrorNotice, Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { formatDateTime } from "../ui/format.ts";
import { useOrder, useSellerReviews } from "./api.ts";
import { currencyOf, formatAmount, type Currency } from "./money.ts";
import { OrderNotes } from "./OrderNotes.tsx";
import { statusText } from "./OrdersPage.tsx";

const ETH = "0x0000000000000000000000000000000000000000";
type Terms = ApiMarketOrder & {
  deliveryDeadline: number;
  rulingPeriod: number;
  protocolFeeBps: number;
  arbiterFeeBps: number;
  outcome?: string;
  split?: { payer: string; payee: string; arbiterFee: string; protocolFee: string };
  disputedBy?: string;
};
const EVENT_TEXT: Record<string, string> = {
  OrderCreated: "Paid into escrow",
  OrderDisputed: "Disputed",
  OrderSettled: "Settled",
};

type Send = (client: StoaClient, onHash: (hash: Hash) => void) => Promise<{ hash: Hash; receipt: TransactionReceipt }>;

function Actions({ order, now }: { order: Terms; now: number }) {
  const id = useId();
  const { connection, ensureSession, noteError } = useSession();
  const queryClient = useQueryClient();
  const tx = useTransaction();
  const [buyerPercent, setBuyerPercent] = useState("50");
  const me = connection?.address.toLowerCase();
  const role =
    me === order.buyer.toLowerCase()
      ? "buyer"
      : me === order.seller.toLowerCase()
        ? "seller"
        : me === order.arbiter.toLowerCase()
          ? "arbiter"
          : undefined;
  if (!role || order.status === "settled") return null;

  const act = (what: string, send: Send) => async () => {
    const ok = await tx.run(what, async (onHash) => {
      try {
        return await send(await ensureSession(), onHash);
      } catch (error) {
        noteError(error);
        throw error;
      }
    });
    if (ok) await queryClient.invalidateQueries({ queryKey: ["market"] });
  };
  const beforeDeadline = now < order.deliveryDeadline;
  const disputedAt = order.timeline.find((e) => e.kind === "OrderDisputed") as { timestamp?: number } | undefined;
  const rulingEnds = disputedAt?.timestamp !== undefined ? disputedAt.timestamp + order.rulingPeriod : undefined;
  const percent = Number(buyerPercent);
  const percentInvalid = !Number.isInteger(percent) || percent < 0 || percent > 100;

  return (
    <div className="card">
      <h2>What you can do</h2>
      <div className="row">
        {role === "buyer" && (
          <button
            type="button"
            className="button"
            disabled={tx.busy}
            onClick={() => void act("Release the payment", (c, onHash) => c.releaseOrder({ order, onHash }))()}
          >
            Release the payment
          </button>
        )}
        {role === "seller" && (
          <button
            type="button"
            className="button secondary"
            disabled={tx.busy}
            onClick={() => void act("Refund the buyer", (c, onHash) => c.refundOrder({ order, onHash }))()}
          >
            Refund the buyer
          </button>
        )}
        {role !== "arbiter" && order.status === "funded" && beforeDeadline && (
          <button
            type="button"
            className="button secondary"
            disabled={tx.busy}
            onClick={() => void act("Open a dispute", (c, onHash) => c.disputeOrder({ order, onHash }))()}
          >
            Open a dispute
          </button>
        )}
        {role === "seller" && order.status === "funded" && !beforeDeadline && (
          <button
            type="button"
            className="button"
            disabled={tx.busy}
            onClick={() => void act("Claim the payment", (c, onHash) => c.claimOrder({ order, onHash }))()}
          >
            Claim the payment
          </button>
        )}
        {role !== "arbiter" && order.status === "disputed" && rulingEnds !== undefined && now >= rulingEnds && (
          <button
            type="button"
            className="button secondary"
            disabled={tx.busy}
            onClick={() => void act("Split evenly", (c, onHash) => c.resolveUnruledOrder({ order, onHash }))()}
          >
            Settle with an even split (no ruling came)
          </button>
        )}
      </div>
      {role === "seller" && order.status === "funded" && beforeDeadline && (
        <p className="muted small">
          You can claim the payment from {formatDateTime(order.deliveryDeadline * 1000)} if the buyer neither releases
          nor disputes it.
        </p>
      )}
      {role === "arbiter" && order.status === "disputed" && (
        <form
          className="row"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (!percentInvalid)
              void act("Rule", (c, onHash) => c.ruleOrder({ order, buyerBps: percent * 100, onHash }))();
          }}
        >
          <label htmlFor={`${id}-percent`}>Buyer's share (%)</label>
          <input
            id={`${id}-percent`}
            inputMode="numeric"
            value={buyerPercent}
            onChange={(event) => setBuyerPercent(event.target.value)}
            aria-invalid={percentInvalid}
          />
          <button type="submit" className="button" disabled={tx.busy || percentInvalid}>
            Rule: {percentInvalid ? "…" : `${percent}% to the buyer, ${100 - percent}% to the seller`}
          </button>
        </form>
      )}
      {role === "arbiter" && order.status === "funded" && (
        <p className="muted">Nothing to rule: the order is not disputed.</p>
      )}
      <TxStatus state={tx.state} />
    </div>
  );
}

function ReviewForm({ order }: { order: Terms }) {
  const id = useId();
  const { connection, ensureSession, noteError } = useSession();
  const reviews = useSellerReviews(order.seller.toLowerCase());
  const queryClient = useQueryClient();
  const [rating, setRating] = useState(5);
  const [text, setText] = useState("");
  const [state, setState] = useState<{ busy?: boolean; done?: boolean; error?: unknown }>({});
  if (connection?.address.toLowerCase() !== order.buyer.toLowerCase()) return null;
  if (!["released", "claimed", "ruled", "unruled"].includes(order.outcome ?? "")) return null;
  const mine = reviews.data?.reviews.find((r) => (r.body as { orderId: string }).orderId === String(order.orderId));
  if (mine || state.done) return <Notice kind="success">You reviewed this order. Thank you.</Notice>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState({ busy: true });
    try {
      const client = await ensureSession();
      await client.reviewOrder({ order, rating, text: text.trim() });
      await queryClient.invalidateQueries({ queryKey: ["market"] });
      setState({ done: true });
    } catch (error) {
      noteError(error);
      setState({ error });
    }
  };
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} aria-busy={state.busy}>
      <h2>Review the seller</h2>
      <fieldset className="stars">
        <legend>Rating</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n}>
            <input type="radio" name={`${id}-rating`} value={n} checked={rating === n} onChange={() => setRating(n)} />{" "}
            {n}★
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-text`}>Your review</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        maxLength={2000}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="button" disabled={state.busy}>
        {state.busy ? "Publishing…" : "Publish the review"}
      </button>
      {state.error !== undefined && <ErrorNotice title="Not published" error={state.error} />}
    </form>
  );
}

function Money({ order, currency }: { order: Terms; currency: Currency }) {
  const split = order.split;
  return (
    <>
      <dt>Amount</dt>
      <dd className="price">{formatAmount(order.amount, currency)}</dd>
      <dt>Fees</dt>
      <dd>
        protocol {order.protocolFeeBps / 100}% of the seller's part · arbiter {order.arbiterFeeBps / 100}% if they rule
      </dd>
      <dt>Delivery deadline</dt>
      <dd>{formatDateTime(order.deliveryDeadline * 1000)}</dd>
      {split && (
        <>
          <dt>Paid out</dt>
          <dd data-testid="split">
            buyer {formatAmount(split.payer, currency)} · seller {formatAmount(split.payee, currency)} · arbiter{" "}
            {formatAmount(split.arbiterFee, currency)} · protocol {formatAmount(split.protocolFee, currency)}
          </dd>
        </>
      )}
    </>
  );
}

export default function OrderPage({ orderId }: { orderId: number }) {
  const order = useOrder(orderId);
  const chain = useChainStatus(5_000);
  if (order.isPending) return <Spinner label="Loading the order" />;
  if (order.isError) {
    return (
      <section>
        <PageHeading title={`Order #${orderId}`}>Order #{orderId}</PageHeading>
        <ErrorNotice title="Could not load the order" error={order.error} onRetry={() => void order.refetch()} />
      </section>
    );
  }
  const o = order.data as Terms;
  const currency = currencyOf(o.token === ETH ? "ETH" : o.token, chain.data);
  const listing = o.listing?.body as ListingV1 | undefined;
  // The chain's clock decides what the contract allows (deadlines), not this computer's.
  const now = chain.data?.head.timestamp;
  return (
    <section>
      <PageHeading title={`Order #${orderId}`}>Order #{orderId}</PageHeading>
      <p className="lead">
        {listing ? (
          <Link href={`/market/listings/${o.listing!.id}`}>{listing.title}</Link>
        ) : (
          "A listing this node does not hold"
        )}{" "}
        · <span data-testid="order-status">{statusText(o)}</span>
      </p>
      <div className="listing-detail">
        <div>
          {now === undefined ? <Spinner label="Reading the chain" /> : <Actions order={o} now={now} />}
          <ReviewForm order={o} />
          <OrderNotes order={o} />
        </div>
        <div>
          <div className="card">
            <h2>Parties</h2>
            <dl className="pairs">
              <dt>Buyer</dt>
              <dd>
                <AddressText address={o.buyer} />
              </dd>
              <dt>Seller</dt>
              <dd>
                <AddressText address={o.seller} />
              </dd>
              <dt>Arbiter</dt>
              <dd>
                <AddressText address={o.arbiter} />
              </dd>
              <Money order={o} currency={currency} />
            </dl>
          </div>
          <div className="card">
            <h2>Timeline</h2>
            <ol className="timeline">
              {o.timeline.map((event) => {
                const e = event as { kind: string; timestamp: number; block: number; txHash: string };
                return (
                  <li key={`${e.block}-${e.txHash}-${e.kind}`}>
                    <strong>{EVENT_TEXT[e.kind] ?? e.kind}</strong> · {formatDateTime(e.timestamp * 1000)} · block{" "}
                    {e.block}
                  </li>
                );
              })}
            </ol>
          </div>
        </div>
      </div>
    </section>
  );
}
