import { parseEventLogs, type Address, type Hash } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { deploymentOf } from "../chain/chainOf.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { contractOf } from "../deployment.ts";

export type MintAssetParameters = {
  /** IPFS CID of the asset's metadata JSON (added with `addContent`). */
  metadataCid: string;
  /** Who receives royalties on every sale; default none. */
  royaltyReceiver?: Address;
  /** Royalty in basis points of each sale price (capped by the contract: `RoyaltyAboveCap`). */
  royaltyBps?: number;
  onHash?: (hash: Hash) => void;
};
/** The new token's id, with the transaction's hash and receipt. */
export type MintAssetReturnType = WriteContractReturnType & { tokenId: bigint };

/** Mints a StoaAssets token to the signer, with its metadata CID and an optional ERC-2981 royalty. */
export async function mintAsset(
  client: StoaBaseClient,
  { metadataCid, royaltyReceiver, royaltyBps = 0, onHash }: MintAssetParameters,
): Promise<MintAssetReturnType> {
  const sent = await writeContract(client, {
    contract: "stoaAssets",
    functionName: "mint",
    args: [metadataCid, royaltyReceiver ?? "0x0000000000000000000000000000000000000000", BigInt(royaltyBps)],
    onHash,
  });
  const { abi } = contractOf(await deploymentOf(client), "stoaAssets");
  const [minted] = parseEventLogs({ abi, eventName: "AssetMinted", logs: sent.receipt.logs });
  if (!minted) throw new Error(`transaction ${sent.hash} minted no asset`);
  return { ...sent, tokenId: minted.args.tokenId };
}
