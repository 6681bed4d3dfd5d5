import { noteKeyFromSignature, noteKeyMessage, type NoteKeyPair, type ProfileV1 } from "@stoa/protocol";
import { networkOf, requireSigning, type StoaBaseClient } from "../base.ts";
import { NoteKeyMissingError } from "../errors.ts";
import { publishRecord } from "../records/publishRecord.ts";
import { queryRecords } from "../records/queryRecords.ts";

const keys = new WeakMap<StoaBaseClient, Map<string, Promise<NoteKeyPair>>>();

export type GetNoteKeyReturnType = NoteKeyPair;

/**
 * The signer's order-notes key pair: derived from the wallet's signature of a fixed message
 * (one prompt, then kept with the client), so the wallet alone can always recover it.
 */
export function getNoteKey(client: StoaBaseClient): Promise<GetNoteKeyReturnType> {
  const signing = requireSigning(client, "getNoteKey");
  let byAccount = keys.get(client);
  if (!byAccount) keys.set(client, (byAccount = new Map<string, Promise<NoteKeyPair>>()));
  const account = signing.address.toLowerCase();
  let pair = byAccount.get(account);
  if (!pair) {
    pair = networkOf(client)
      .then((network) => signing.signMessage(noteKeyMessage(network)))
      .then(noteKeyFromSignature);
    pair.catch(() => byAccount.delete(account));
    byAccount.set(account, pair);
  }
  return pair;
}

async function profileOf(client: StoaBaseClient, account: string) {
  const page = await queryRecords(client, {
    family: "profiles",
    type: "profile",
    author: account.toLowerCase(),
    limit: 1,
  });
  return page.items[0]?.body as ProfileV1 | undefined;
}

/** `account`'s published order-notes public key; NoteKeyMissingError when it has none yet. */
export async function noteKeyOf(client: StoaBaseClient, account: string): Promise<`0x${string}`> {
  const key = (await profileOf(client, account))?.noteKey;
  if (!key) throw new NoteKeyMissingError(account);
  return key as `0x${string}`;
}

export type PublishNoteKeyReturnType = { publicKey: `0x${string}`; published: boolean };

/**
 * Makes the signer reachable by encrypted order notes: puts its public note key in its profile
 * (a new profile version, or a first profile named after the address). Nothing is written when
 * the profile already carries it. Needs a session.
 */
export async function publishNoteKey(client: StoaBaseClient): Promise<PublishNoteKeyReturnType> {
  const { publicKey } = await getNoteKey(client);
  const account = requireSigning(client, "publishNoteKey").address;
  const profile = await profileOf(client, account);
  if (profile?.noteKey === publicKey) return { publicKey, published: false };
  const body: ProfileV1 = {
    ...(profile ?? { name: `${account.slice(0, 6)}…${account.slice(-4)}` }),
    noteKey: publicKey,
  };
  await publishRecord(client, { type: "profile", body });
  return { publicKey, published: true };
}
