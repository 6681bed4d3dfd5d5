import type { Address, Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "../chain/chainOf.ts";
import { contractOf } from "../deployment.ts";
import { SignerRequiredError } from "../errors.ts";
import type { AppKey } from "../records/signRecord.ts";
import { ASSET_ORDER_TYPES, assetOrderOf } from "./assetOrder.ts";
import { createListing, type CreateListingParameters, type CreateListingReturnType } from "./createListing.ts";

export type ListAssetParameters = Omit<CreateListingParameters, "kind" | "quantity" | "asset"> & {
  /** The token for sale. */
  tokenId: bigint;
  /** Its ERC-721 collection; default StoaAssets. */
  collection?: Address;
  /** Last second (unix) the order may be filled; default 30 days from now. */
  deadline?: bigint;
  /** Default a random 64-bit nonce. */
  nonce?: bigint;
  /** Called with the approval's hash, when AssetExchange was not yet approved for the collection. */
  onHash?: (hash: Hash) => void;
  appKey?: AppKey;
};
export type ListAssetReturnType = CreateListingReturnType;

/**
 * Puts a token on sale through a signed order: approves AssetExchange for the collection if
 * needed (one transaction, once per collection), signs the EIP-712 `AssetOrder` (a wallet
 * prompt, no gas), and publishes a digital listing that carries the order and its signature.
 * A buyer then fills it on chain (`buyAsset`).
 */
export async function listAsset(
  client: StoaBaseClient,
  { tokenId, collection, deadline, nonce, onHash, ...listing }: ListAssetParameters,
): Promise<ListAssetReturnType> {
  const { publicClient, walletClient, account, deployment } = await chainOf(client, "listAsset");
  if (!walletClient || !account) throw new SignerRequiredError("listAsset");
  const assets = contractOf(deployment, "stoaAssets");
  const exchange = contractOf(deployment, "assetExchange");
  const token = collection ?? assets.address;
  // The exchange checks the deadline against the chain's clock, which need not be this machine's.
  const chainNow = deadline === undefined ? (await publicClient.getBlock()).timestamp : 0n;
  const approved = await publicClient.readContract({
    address: token,
    abi: assets.abi,
    functionName: "isApprovedForAll",
    args: [account.address, exchange.address],
  });
  if (!approved) {
    const hash = await walletClient.writeContract({
      address: token,
      abi: assets.abi,
      functionName: "setApprovalForAll",
      args: [exchange.address, true],
      account,
      chain: walletClient.chain,
    });
    onHash?.(hash);
    await publicClient.waitForTransactionReceipt({ hash });
  }
  const body = {
    ...listing,
    key: listing.key ?? `asset-${token.toLowerCase().slice(2, 10)}-${tokenId}`,
    images: listing.images ?? [],
    quantity: 1,
    kind: "digital" as const,
    status: "active" as const,
    asset: {
      collection: token.toLowerCase(),
      tokenId: tokenId.toString(),
      nonce: (nonce ?? crypto.getRandomValues(new BigUint64Array(1))[0]!).toString(),
      deadline: Number(deadline ?? chainNow + 30n * 86_400n),
      signature: "0x",
    },
  };
  const signature = await walletClient.signTypedData({
    account,
    domain: {
      name: "Stoa Asset Exchange",
      version: "1",
      chainId: deployment.chainId,
      verifyingContract: exchange.address,
    },
    types: ASSET_ORDER_TYPES,
    primaryType: "AssetOrder",
    message: assetOrderOf(account.address, body),
  });
  body.asset.signature = signature.toLowerCase();
  return createListing(client, body);
}
