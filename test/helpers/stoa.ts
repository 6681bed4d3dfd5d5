/**
 * Shared set-up for contract tests and the gas benchmark: the dev deployment (Ignition module
 * `StoaDev`) with short windows, typed contract handles, and signing helpers for EIP-2612 permits,
 * signed asset orders and certificate batches.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { BigNumberish, BytesLike, Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import StoaDev, { DEV_SETTINGS } from "../../ignition/modules/StoaDev.ts";
import type {
  AssetExchange,
  Certificates,
  DevStablecoin,
  JobEscrow,
  Marketplace,
  StakingVault,
  StoaAssets,
  StoaGovernor,
  StoaRegistry,
  StoaToken,
  TimelockController,
} from "../../types/ethers-contracts/index.js";

export const HOUR = 3600n;
export const DAY = 24n * HOUR;

/** The dev deployment's settings (short windows), as deployed by `deployStoa`. */
export const DEV_PARAMETERS = DEV_SETTINGS;

export interface Stoa {
  timelock: TimelockController;
  token: StoaToken;
  governor: StoaGovernor;
  stakingVault: StakingVault;
  registry: StoaRegistry;
  marketplace: Marketplace;
  assetExchange: AssetExchange;
  jobEscrow: JobEscrow;
  certificates: Certificates;
  stoaAssets: StoaAssets;
  devStablecoin: DevStablecoin;
}

type Ethers = NetworkConnection<"generic">["ethers"];

/** Deploys the dev suite with Ignition and returns typed handles. */
export async function deployStoa(connection: NetworkConnection<"generic">): Promise<Stoa> {
  const deployed = await connection.ignition.deploy(StoaDev);
  return deployed as unknown as Stoa;
}

/** The named dev accounts of the StoaDev module. */
export async function devAccounts(ethers: Ethers) {
  const signers = await ethers.getSigners();
  const at = (i: number) => {
    const signer = signers[i];
    if (!signer) throw new Error(`dev account ${i} missing`);
    return signer;
  };
  return {
    deployer: at(0),
    buyer: at(1),
    seller: at(2),
    other: at(3),
    creator: at(4),
    worker: at(5),
    issuer: at(6),
    arbiter: at(7),
    arbiter2: at(8),
    arbiter3: at(9),
    outsider: at(10),
  };
}

/** Signs an EIP-2612 permit of `value` from `owner` to `spender`. */
export async function signPermit(
  token: { getAddress(): Promise<string>; name(): Promise<string>; nonces(owner: string): Promise<bigint> },
  owner: Signer,
  spender: string,
  value: BigNumberish,
  deadline: BigNumberish,
  chainId: BigNumberish = 31337n,
) {
  const ownerAddress = await owner.getAddress();
  const signature = await owner.signTypedData(
    { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: ownerAddress, spender, value, nonce: await token.nonces(ownerAddress), deadline },
  );
  const { Signature } = await import("ethers");
  const { v, r, s } = Signature.from(signature);
  return { v, r, s, deadline };
}

export interface AssetOrder {
  seller: string;
  collection: string;
  tokenId: bigint;
  currency: string;
  price: bigint;
  nonce: bigint;
  deadline: bigint;
}

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
};

/** Signs `order` for the asset exchange at `exchange` on `chainId`. */
export async function signAssetOrder(
  seller: Signer,
  exchange: string,
  order: AssetOrder,
  chainId: BigNumberish = 31337n,
): Promise<string> {
  return seller.signTypedData(
    { name: "Stoa Asset Exchange", version: "1", chainId, verifyingContract: exchange },
    ASSET_ORDER_TYPES,
    order,
  );
}

/** A certificate batch: OpenZeppelin's standard Merkle tree over (recipient, digest). */
export function certificateTree(entries: [string, BytesLike][]) {
  return StandardMerkleTree.of(
    entries.map(([recipient, digest]) => [recipient, digest]),
    ["address", "bytes32"],
  );
}

/** The calldata of a Marketplace order from its `OrderCreated` event. */
export async function createdOrder(marketplace: Marketplace, txHash: string) {
  const receipt = await marketplace.runner!.provider!.getTransactionReceipt(txHash);
  for (const log of receipt!.logs) {
    const parsed = marketplace.interface.parseLog(log);
    if (parsed?.name === "OrderCreated") {
      const o = parsed.args.order as Marketplace.OrderStructOutput;
      return {
        orderId: parsed.args.orderId as bigint,
        order: {
          buyer: o.buyer,
          seller: o.seller,
          arbiter: o.arbiter,
          token: o.token,
          amount: o.amount,
          listingHash: o.listingHash,
          deliveryDeadline: o.deliveryDeadline,
          protocolFeeBps: o.protocolFeeBps,
          arbiterFeeBps: o.arbiterFeeBps,
          rulingPeriod: o.rulingPeriod,
        },
      };
    }
  }
  throw new Error(`no OrderCreated in ${txHash}`);
}
