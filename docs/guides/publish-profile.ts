/**
 * Guide: sign in to a node with your wallet and publish your profile.
 *
 * Run it against `npm start`:  node docs/guides/publish-profile.ts
 *
 * 1. A client binds the node's API, the chain and a signer (here a private-key account; in a
 *    browser, pass `{ address, type: "json-rpc" }` and `provider: window.ethereum`).
 * 2. `signIn` signs an EIP-4361 message and keeps the node's session on the client.
 * 3. `publishRecord` signs the profile as EIP-712 typed data and writes it; the node answers its
 *    id (the record's digest), which anyone can read back with `getRecord`.
 */
import { fileURLToPath } from "node:url";
import { createStoaClient } from "@stoa/sdk";
import { http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { settingsFrom, type GuideSettings } from "./settings.ts";

export async function publishProfile(settings: GuideSettings, name = "Ada Lovelace") {
  const stoa = createStoaClient({
    node: settings.nodeUrl,
    provider: http(settings.rpcUrl),
    signer: privateKeyToAccount(settings.privateKey),
  });

  const session = await stoa.signIn({ statement: "Sign in to publish my profile" });
  console.log(`signed in as ${session.address} until ${session.expiresAt}`);

  const { id } = await stoa.publishRecord({
    type: "profile",
    body: { name, bio: "Analyst, metaphysician, founder of scientific computing." },
  });
  console.log(`published profile ${id}`);

  const profile = await stoa.getRecord({ family: "profiles", id });
  console.log(`the node has it: ${JSON.stringify(profile.body)} (current: ${profile.current})`);

  await stoa.signOut();
  return profile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await publishProfile(settingsFrom());
