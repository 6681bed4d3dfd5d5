import type { ListingV1 } from "@stoa/protocol";
import type { ApiStoredRecord } from "@stoa/protocol/api";
import { parseEventLogs, type Hash, type Hex } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "../chain/chainOf.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { contractOf } from "../deployment.ts";
import { SignerRequiredError } from "../errors.ts";
import { assetOrderOf } from "./assetOrder.ts";
import { permitAbi } from "./permitAbi.ts";

export type BuyAssetParameters = {
  /** A listing that carries a signed asset order (`listAsset`). */
  listing: ApiStoredRecord;
  onHash?: (hash: Hash) => void;
};
/** The fill's transaction, and what went to the royalty receiver and the protocol. */
export type BuyAssetReturnType = WriteContractReturnType & { royalty: bigint; protocolFee: bigint };

/**
 * Fills a listing's signed asset order on AssetExchange: the token goes to the buyer, the price
 * to the seller minus the ERC-2981 royalty and the protocol fee, in one transaction (an ERC-20
 * price is approved first). Reverts come decoded: `NonceUsed` (sold or cancelled),
 * `OrderExpired`, `InvalidSignature`, ...
 */
export async function buyAsset(
  client: StoaBaseClient,
  { listing, onHash }: BuyAssetParameters,
): Promise<BuyAssetReturnType> {
  const body = listing.body as ListingV1;
  if (listing.type !== "listing" || !body.asset)
    throw new TypeError(`record ${listing.id} is not a listing of an asset`);
  const { publicClient, walletClient, account, deployment } = await chainOf(client, "buyAsset");
  if (!walletClient || !account) throw new SignerRequiredError("buyAsset");
  const exchange = contractOf(deployment, "assetExchange");
  const order = assetOrderOf(listing.author, body);
  const eth = body.currency === "ETH";
  if (!eth) {
    const allowance = await publicClient.readContract({
      address: order.currency,
      abi: permitAbi,
      functionName: "allowance",
      args: [account.address, exchange.address],
    });
    if (allowance < order.price) {
      const hash = await walletClient.writeContract({
        address: order.currency,
        abi: permitAbi,
        functionName: "approve",
        args: [exchange.address, order.price],
        account,
        chain: walletClient.chain,
      });
      onHash?.(hash);
      await publicClient.waitForTransactionReceipt({ hash });
    }
  }
  const sent = await writeContract(client, {
    contract: "assetExchange",
    functionName: "fill",
    args: [order, body.asset.signature as Hex],
    ...(eth ? { value: order.price } : {}),
    onHash,
  });
  const [filled] = parseEventLogs({ abi: exchange.abi, eventName: "AssetOrderFilled", logs: sent.receipt.logs });
  if (!filled) throw new Error(`transaction ${sent.hash} filled no order`);
  return { ...sent, royalty: filled.args.royalty, protocolFee: filled.args.protocolFee };
}
