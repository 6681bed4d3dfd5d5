import type { ListingV1 } from "@stoa/protocol";
import type { ApiStoredRecord } from "@stoa/protocol/api";
import { parseEventLogs, parseSignature, type Address, type Hash, type Hex } from "viem";
import type { StoaBaseClient } from "../base.ts";
import { chainOf } from "../chain/chainOf.ts";
import { writeContract, type WriteContractReturnType } from "../chain/writeContract.ts";
import { contractOf } from "../deployment.ts";
import { SignerRequiredError } from "../errors.ts";
import { permitAbi } from "./permitAbi.ts";

const ETH = "0x0000000000000000000000000000000000000000";
const DAY_S = 86_400;

export type BuyListingParameters = {
  /** The listing version bought (its record id goes on chain as the order's listingHash). */
  listing: ApiStoredRecord;
  /** An arbiter of the DAO's set (GET /v1/chain/arbiters), judge of any dispute. */
  arbiter: Address;
  /** Until when (unix seconds) the buyer may release or dispute; default 14 days from now. */
  deliveryDeadline?: bigint;
  /**
   * ERC-20 listings: "permit" (default) signs an EIP-2612 permit and pays in one transaction;
   * "approve" sends an approval first, for tokens without permit.
   */
  payment?: "permit" | "approve";
  /** Called with each transaction's hash once sent. */
  onHash?: (hash: Hash) => void;
};
/** The new order's id, with the paying transaction's hash and receipt. */
export type BuyListingReturnType = WriteContractReturnType & { orderId: bigint };

/**
 * Buys a listing into the Marketplace's escrow: ETH with the call, an ERC-20 with a permit in the
 * same transaction (or after an approval). The seller is the listing's author; the amount is its
 * price. Reverts are StoaContractError with the decoded custom error (an arbiter outside the set:
 * `UnknownArbiter`, one's own listing: `SelfPurchase`, ...).
 */
export async function buyListing(
  client: StoaBaseClient,
  { listing, arbiter, deliveryDeadline, payment = "permit", onHash }: BuyListingParameters,
): Promise<BuyListingReturnType> {
  if (listing.type !== "listing") throw new TypeError(`record ${listing.id} is a ${listing.type}, not a listing`);
  const body = listing.body as ListingV1;
  if (body.status !== "active") throw new TypeError(`listing ${listing.id} is withdrawn`);
  const { publicClient, walletClient, account, deployment } = await chainOf(client, "buyListing");
  if (!walletClient || !account) throw new SignerRequiredError("buyListing");
  const token = (body.currency === "ETH" ? ETH : body.currency) as Address;
  const amount = BigInt(body.price);
  // Deadlines are checked against the chain's clock, which need not be this machine's.
  const chainNow = (await publicClient.getBlock()).timestamp;
  const deadline = deliveryDeadline ?? chainNow + BigInt(14 * DAY_S);
  const request = {
    seller: listing.author as Address,
    arbiter,
    token,
    amount,
    listingHash: listing.id as Hex,
    deliveryDeadline: deadline,
  };
  const marketplace = contractOf(deployment, "marketplace");

  let sent: WriteContractReturnType;
  if (token === ETH) {
    sent = await writeContract(client, {
      contract: "marketplace",
      functionName: "createOrder",
      args: [request],
      value: amount,
      onHash,
    });
  } else if (payment === "approve") {
    const allowance = await publicClient.readContract({
      address: token,
      abi: permitAbi,
      functionName: "allowance",
      args: [account.address, marketplace.address],
    });
    if (allowance < amount) {
      const hash = await walletClient.writeContract({
        address: token,
        abi: permitAbi,
        functionName: "approve",
        args: [marketplace.address, amount],
        account,
        chain: walletClient.chain,
      });
      onHash?.(hash);
      await publicClient.waitForTransactionReceipt({ hash });
    }
    sent = await writeContract(client, {
      contract: "marketplace",
      functionName: "createOrder",
      args: [request],
      onHash,
    });
  } else {
    const [domain, nonce] = await Promise.all([
      publicClient.readContract({ address: token, abi: permitAbi, functionName: "eip712Domain" }),
      publicClient.readContract({ address: token, abi: permitAbi, functionName: "nonces", args: [account.address] }),
    ]);
    const [, name, version, chainId, verifyingContract] = domain;
    const permitDeadline = chainNow + 3_600n;
    const signature = await walletClient.signTypedData({
      account,
      domain: { name, version, chainId, verifyingContract },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: account.address, spender: marketplace.address, value: amount, nonce, deadline: permitDeadline },
    });
    const { v, r, s, yParity } = parseSignature(signature);
    sent = await writeContract(client, {
      contract: "marketplace",
      functionName: "createOrderWithPermit",
      args: [request, permitDeadline, Number(v ?? BigInt(yParity + 27)), r, s],
      onHash,
    });
  }
  const [created] = parseEventLogs({ abi: marketplace.abi, eventName: "OrderCreated", logs: sent.receipt.logs });
  if (!created) throw new Error(`transaction ${sent.hash} created no order`);
  return { ...sent, orderId: created.args.orderId };
}
