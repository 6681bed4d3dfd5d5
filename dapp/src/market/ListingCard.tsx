/** A listing in search results: first image, title, price, category, seller's rating. */
import type { ApiMarketListing, ListingV1 } from "@stoa/sdk";
import { Link } from "wouter";
import { contentUrl } from "../app/config.ts";
import { useChainStatus } from "../stoa/queries.ts";
import { currencyOf, formatAmount } from "./money.ts";

export function Rating({ rating }: { rating: ApiMarketListing["sellerRating"] }) {
  if (rating.count === 0) return <span className="muted">No reviews yet</span>;
  return (
    <span aria-label={`Rated ${rating.average} of 5 from ${rating.count} reviews`}>
      <span aria-hidden="true">★</span> {rating.average?.toFixed(1)} ({rating.count})
    </span>
  );
}

export function ListingCard({ listing }: { listing: ApiMarketListing }) {
  const chain = useChainStatus(false);
  const body = listing.body as ListingV1;
  const image = body.images[0];
  return (
    <li className="listing-card card">
      <div className="listing-image">
        {image ? (
          <img src={contentUrl(image)} alt="" loading="lazy" width="320" height="200" />
        ) : (
          <span aria-hidden="true">{body.kind === "digital" ? "⬚" : "▣"}</span>
        )}
      </div>
      <h3>
        <Link href={`/market/listings/${listing.id}`}>{body.title}</Link>
      </h3>
      <p className="price">{formatAmount(body.price, currencyOf(body.currency, chain.data))}</p>
      <p className="muted small">
        {body.category} · {body.kind}
        {body.asset ? " · NFT" : ""} · <Rating rating={listing.sellerRating} />
      </p>
    </li>
  );
}
