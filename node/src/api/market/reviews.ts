/**
 * Reviews count only when the chain backs them: a review of order N by its author is accepted
 * and counted if the node's chain index shows order N between that author (buyer) and the
 * review's seller, on this chain's Marketplace, settled other than by a refund. The API refuses
 * unbacked reviews on write; reviews that reached this node from peers are checked again when
 * read, so that a node that skipped the check cannot inflate anyone's rating here.
 */
import type { StoredRecord } from "@stoa/core";
import type { ReviewV1, VerifiedRecord } from "@stoa/protocol";
import type { DaemonContext } from "../../context.ts";
import type { OrderView } from "../../chain/queries.ts";
import { ApiError } from "../errors.ts";

/** Outcomes after which the buyer may review: the sale happened (fully or by a ruling). */
const REVIEWABLE = new Set(["released", "claimed", "ruled", "unruled"]);
/** How long a write waits for the chain index to reach the chain's head before refusing. */
const CATCH_UP_MS = 10_000;
/** A seller's reviews read for a rating, at most (newest first). */
const MAX_REVIEWS = 1_000;
const RATING_TTL_MS = 10_000;
const MAX_CACHED = 10_000;

export interface Rating {
  count: number;
  average: number | null;
}

interface ReviewLike {
  author: string;
  body: ReviewV1;
}

/** Why a review is not backed, or undefined if it is. */
type Verdict = { field: string; message: string } | undefined;

export class ReviewBook {
  readonly #ctx: DaemonContext;
  readonly #ratings = new Map<string, { at: number; rating: Rating }>();
  readonly #clock: () => number;

  constructor(ctx: DaemonContext, clock: () => number = Date.now) {
    this.#ctx = ctx;
    this.#clock = clock;
  }

  get #marketplace(): string | undefined {
    return this.#ctx.chain.manifest.contracts.marketplace?.address.toLowerCase();
  }

  #judge(review: ReviewLike, order: OrderView | undefined): Verdict {
    const { body } = review;
    if (body.chainId !== this.#ctx.chain.chainId) {
      return {
        field: "body.chainId",
        message: `this node follows chain ${this.#ctx.chain.chainId}, not ${body.chainId}`,
      };
    }
    if (body.marketplace !== this.#marketplace) {
      return { field: "body.marketplace", message: `the Marketplace on this chain is ${this.#marketplace}` };
    }
    if (!order) return { field: "body.orderId", message: `order ${body.orderId} is not on chain` };
    if (order.buyer.toLowerCase() !== review.author) {
      return {
        field: "author",
        message: `order ${body.orderId} was bought by ${order.buyer.toLowerCase()}, not by the review's author`,
      };
    }
    if (order.seller.toLowerCase() !== body.seller) {
      return {
        field: "body.seller",
        message: `order ${body.orderId} was sold by ${order.seller.toLowerCase()}, not ${body.seller}`,
      };
    }
    if (order.status !== "settled" || !REVIEWABLE.has(order.outcome ?? "")) {
      const state = order.status === "settled" ? `settled by ${order.outcome}` : order.status;
      return {
        field: "body.orderId",
        message: `order ${body.orderId} is ${state}: a review needs an order released, claimed or ruled`,
      };
    }
    return undefined;
  }

  async #order(orderId: string): Promise<OrderView | undefined> {
    const id = Number(orderId);
    return Number.isSafeInteger(id) ? this.#ctx.chain.indexer.order(id) : undefined;
  }

  /**
   * Refuses (422 `review-not-backed`, naming the field) any review that no settled order backs.
   * A review sent right after its order settled may be ahead of the chain index: the check waits
   * for the index to reach the chain's head once before it refuses.
   */
  async checkWrite(records: readonly VerifiedRecord[]): Promise<void> {
    // verifyEnvelope checked each body against the review schema.
    const reviews = records.map((r) => ({ author: r.author, body: r.body as ReviewV1 }));
    for (const review of reviews) {
      let verdict = this.#judge(review, await this.#order(review.body.orderId));
      if (verdict && verdict.field === "body.orderId") {
        const head = await this.#ctx.chain.provider.getBlockNumber();
        await this.#ctx.chain.indexer.waitFor(head, CATCH_UP_MS).catch(() => undefined);
        verdict = this.#judge(review, await this.#order(review.body.orderId));
      }
      if (verdict) throw new ApiError(422, "review-not-backed", verdict.message, { field: verdict.field });
    }
    for (const review of reviews) this.#ratings.delete(review.body.seller);
  }

  /** The seller's reviews that settled orders back, newest first, and how many were not. */
  async ofSeller(seller: string, limit = 20): Promise<{ reviews: StoredRecord[]; rating: Rating; hidden: number }> {
    const store = this.#ctx.node.family("reviews");
    const backed: StoredRecord[] = [];
    let hidden = 0;
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await store.query({ filters: { seller }, limit: 100, ...(cursor ? { cursor } : {}) });
      for (const record of page.items) {
        const review = { author: record.author, body: record.body as ReviewV1 };
        if (this.#judge(review, await this.#order(review.body.orderId))) hidden += 1;
        else backed.push(record);
      }
      read += page.items.length;
      cursor = page.next;
    } while (cursor && read < MAX_REVIEWS);
    const rating = ratingOf(backed);
    this.#remember(seller, rating);
    return { reviews: backed.slice(0, limit), rating, hidden };
  }

  /**
   * The seller's rating, cached until a review of that seller arrives (from this API or a peer)
   * or an order settles, and for at most 10 s.
   */
  async rating(seller: string): Promise<Rating> {
    this.#watch();
    const cached = this.#ratings.get(seller);
    if (cached && this.#clock() - cached.at < RATING_TTL_MS) return cached.rating;
    return (await this.ofSeller(seller, 0)).rating;
  }

  #watching = false;

  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#ctx.node.family("reviews").subscribe((records) => {
      for (const record of records) this.#ratings.delete((record.body as ReviewV1).seller);
    });
    this.#ctx.chain.indexer.subscribe((event) => {
      if (event.kind === "OrderSettled") this.#ratings.clear();
    });
  }

  #remember(seller: string, rating: Rating): void {
    this.#ratings.delete(seller);
    if (this.#ratings.size >= MAX_CACHED) this.#ratings.delete(this.#ratings.keys().next().value!);
    this.#ratings.set(seller, { at: this.#clock(), rating });
  }
}

function ratingOf(reviews: readonly StoredRecord[]): Rating {
  if (reviews.length === 0) return { count: 0, average: null };
  const sum = reviews.reduce((total, r) => total + (r.body as ReviewV1).rating, 0);
  return { count: reviews.length, average: Math.round((sum / reviews.length) * 100) / 100 };
}
