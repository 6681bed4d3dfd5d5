import type { ListingV1 } from "@stoa/protocol";
import type { Address } from "viem";

/** AssetExchange's EIP-712 `AssetOrder`. */
export const ASSET_ORDER_TYPES = {
  AssetOrder: [
    { name: "seller", type: "address" },
    { name: "collection", type: "address" },
    { name: "tokenId", type: "uint256" },
    { name: "currency", type: "address" },
    { name: "price", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

/** The order a listing of an asset stands for: its author sells the token for its price. */
export function assetOrderOf(author: string, body: ListingV1) {
  if (!body.asset) throw new TypeError("the listing sells no asset (no asset order)");
  return {
    seller: author as Address,
    collection: body.asset.collection as Address,
    tokenId: BigInt(body.asset.tokenId),
    currency: (body.currency === "ETH" ? "0x0000000000000000000000000000000000000000" : body.currency) as Address,
    price: BigInt(body.price),
    nonce: BigInt(body.asset.nonce),
    deadline: BigInt(body.asset.deadline),
  };
}
