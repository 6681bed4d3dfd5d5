/**
 * The dev chain's faucet: STOA and, for an account low on gas, ETH, sent from Hardhat dev
 * account #3 (funded by the StoaDev module with 10,000 ETH and 100,000 STOA). Grants run one at
 * a time, so that their transactions never race for the faucet's nonce. Dev mode only: on any
 * other chain the well-known dev keys hold nothing, or worse, something everyone can take.
 *
 *   const faucet = new DevFaucet(chain);
 *   const { token, eth, txs } = await faucet.grant("0xabc...");
 */
import { Contract, type ContractTransactionResponse, HDNodeWallet, parseEther, type TransactionResponse } from "ethers";
import type { ChainService } from "./service.ts";

/** Hardhat's well-known dev mnemonic: its keys are public, so only the dev chain funds them. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** The faucet's account: Hardhat dev account #3 (no arbiter, issuer or test role of its own). */
export const FAUCET_ACCOUNT_PATH = "m/44'/60'/0'/0/3";
/** STOA per grant, in token wei. */
export const FAUCET_TOKEN_AMOUNT = parseEther("1000");
/** ETH per grant, in wei, sent only to an account holding less than FAUCET_ETH_THRESHOLD. */
export const FAUCET_ETH_AMOUNT = parseEther("10");
export const FAUCET_ETH_THRESHOLD = parseEther("1");

export interface FaucetGrant {
  /** STOA sent, in token wei. */
  token: bigint;
  /** ETH sent, in wei (0n when the account held enough). */
  eth: bigint;
  /** Hashes of the mined transactions, in the order sent. */
  txs: string[];
}

/** A faucet transaction failed (reverted, or the chain refused it). */
export class FaucetError extends Error {
  override name = "FaucetError" as const;
}

export class DevFaucet {
  readonly #chain: ChainService;
  readonly #wallet: HDNodeWallet;
  /** The grant in progress: the next one waits for it. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(chain: ChainService) {
    if (chain.mode !== "dev") throw new FaucetError("the faucet runs on the dev chain only (chain.mode dev)");
    this.#chain = chain;
    this.#wallet = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, FAUCET_ACCOUNT_PATH).connect(chain.provider);
  }

  /** The faucet's address (dev account #3). */
  get address(): string {
    return this.#wallet.address;
  }

  /** Sends FAUCET_TOKEN_AMOUNT STOA, and FAUCET_ETH_AMOUNT ETH if `recipient` is low; resolves once mined. */
  grant(recipient: string): Promise<FaucetGrant> {
    const granted = this.#queue.then(() => this.#send(recipient));
    this.#queue = granted.catch(() => undefined);
    return granted;
  }

  async #send(recipient: string): Promise<FaucetGrant> {
    const { address, abi } = this.#chain.manifest.contracts.token!;
    const token = new Contract(address, abi as never, this.#wallet);
    const txs: string[] = [];
    const transfer = token.transfer!(recipient, FAUCET_TOKEN_AMOUNT, { nonce: await this.#nonce() });
    txs.push(await mined((await transfer) as ContractTransactionResponse));
    let eth = 0n;
    const balance = BigInt((await this.#chain.provider.send("eth_getBalance", [recipient, "latest"])) as string);
    if (balance < FAUCET_ETH_THRESHOLD) {
      const nonce = await this.#nonce();
      txs.push(await mined(await this.#wallet.sendTransaction({ to: recipient, value: FAUCET_ETH_AMOUNT, nonce })));
      eth = FAUCET_ETH_AMOUNT;
    }
    return { token: FAUCET_TOKEN_AMOUNT, eth, txs };
  }

  /**
   * The faucet account's next nonce, asked of the chain each time (`send` skips ethers' 250 ms
   * cache of identical calls, which would hand a grant's second transaction the first one's
   * nonce), since anyone may send from this well-known account too.
   */
  async #nonce(): Promise<number> {
    const count = (await this.#chain.provider.send("eth_getTransactionCount", [this.address, "pending"])) as string;
    return Number(count);
  }
}

/** The hash of `tx` once mined (the dev chain mines each transaction as it arrives). */
async function mined(tx: TransactionResponse): Promise<string> {
  const receipt = await tx.wait();
  if (receipt?.status !== 1) throw new FaucetError(`faucet transaction ${tx.hash} failed`);
  return tx.hash;
}
