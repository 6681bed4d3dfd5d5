/**
 * Guide: read your STOA balance and delegate your votes. An ERC20Votes token votes only once
 * delegated: to yourself, or to someone who votes for you.
 *
 * Run it against `npm start`:  node docs/guides/token-delegate.ts [delegatee]
 *
 * The addresses come from the deployment manifest: pass `deployment` (deployments/<chainId>.json
 * or the dev chain's .stoa-dev/chain/deployment.json), or leave it out to use what the node
 * reports. Amounts are token wei (18 decimals); `formatEther` shows them in STOA.
 */
import { fileURLToPath } from "node:url";
import { createStoaClient, StoaContractError } from "@stoa/sdk";
import { formatEther, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { settingsFrom, type GuideSettings } from "./settings.ts";

export async function delegateVotes(settings: GuideSettings, delegatee?: Address) {
  const account = privateKeyToAccount(settings.privateKey);
  const stoa = createStoaClient({ node: settings.nodeUrl, provider: http(settings.rpcUrl), signer: account });

  const balance = await stoa.getBalance({ account: account.address });
  console.log(`${account.address} holds ${formatEther(balance)} STOA`);

  const to = delegatee ?? account.address;
  try {
    const { hash } = await stoa.delegate({ delegatee: to });
    console.log(`delegated to ${to} in ${hash}`);
  } catch (error) {
    // A revert carries the contract's custom error, decoded.
    if (error instanceof StoaContractError) console.error(`refused: ${error.errorName}`, error.args);
    throw error;
  }

  const votes = await stoa.getVotes({ account: to });
  console.log(`${to} now has ${formatEther(votes)} votes`);
  return { balance, votes, delegatee: await stoa.getDelegate({ account: account.address }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await delegateVotes(settingsFrom(), process.argv[2] as Address | undefined);
}
