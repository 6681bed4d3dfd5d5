/**
 * The ancestor walk of the gossip validator: fetches the `next`/`refs` closure of an entry that
 * this node does not hold yet, level by level, each block with a short timeout and once at a
 * time, and checks every ancestor with the same deterministic rules as the entry itself. When it
 * returns `ok`, every ancestor is in the local blockstore, so OrbitDB's join never waits on the
 * network.
 */
import { Entry, type LogEntry } from "@orbitdb/core";
import type { VerifiedRecord } from "@stoa/protocol";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import type { EntryDecision } from "./access-controller.ts";
import type { RefusalReason } from "./refusals.ts";
import type { BlockFetcher } from "./single-flight.ts";

export interface WalkContext {
  /** Whether the entry is already held (in the log, or validated and on its way there). */
  isHeld(hash: string): Promise<boolean>;
  /** Why a known-forged entry was refused, if it was. */
  forged(hash: string): RefusalReason | undefined;
  /** Remembers a deterministic refusal. */
  remember(hash: string, reason: RefusalReason): void;
  /** The entry checks: log id, OrbitDB signature, record rules. */
  verify(entry: LogEntry): Promise<EntryDecision | { ok: false; reason: RefusalReason }>;
  fetcher: BlockFetcher;
  /** Ancestors fetched before the walk stops and leaves the rest to OrbitDB. */
  maxWalk: number;
}

export type WalkResult =
  | {
      ok: true;
      /** Records of the ancestors fetched and checked. */
      records: VerifiedRecord[];
      walked: number;
      /** The closure was larger than maxWalk: OrbitDB fetches the rest. */
      handedOver: boolean;
    }
  | { ok: false; reason: "invalid-ancestor" | "unresolvable-ancestor"; walked: number };

/** Walks the missing ancestors of `entry` (which has passed its own checks). */
export async function walkAncestors(entry: LogEntry, ctx: WalkContext): Promise<WalkResult> {
  const seen = new Set<string>();
  const records: VerifiedRecord[] = [];
  let walked = 0;
  let frontier = [...entry.next, ...entry.refs];
  while (frontier.length > 0) {
    const missing: string[] = [];
    for (const hash of frontier) {
      if (seen.has(hash)) continue;
      seen.add(hash);
      if (ctx.forged(hash) !== undefined) return { ok: false, reason: "invalid-ancestor", walked };
      if (!(await ctx.isHeld(hash))) missing.push(hash);
    }
    if (missing.length === 0) break;
    if (walked + missing.length > ctx.maxWalk) return { ok: true, records, walked, handedOver: true };

    let cids: CID[];
    try {
      cids = missing.map((hash) => CID.parse(hash, base58btc));
    } catch {
      // a link that is not a CID can never be resolved, by anyone
      return { ok: false, reason: "invalid-ancestor", walked };
    }
    let blocks: Uint8Array[];
    try {
      blocks = await Promise.all(cids.map((cid) => ctx.fetcher.fetch(cid)));
    } catch {
      return { ok: false, reason: "unresolvable-ancestor", walked };
    }
    walked += missing.length;

    const next: string[] = [];
    for (const [i, bytes] of blocks.entries()) {
      const hash = missing[i]!;
      let ancestor: LogEntry;
      try {
        ancestor = await Entry.decode(bytes);
      } catch {
        ctx.remember(hash, "undecodable");
        return { ok: false, reason: "invalid-ancestor", walked };
      }
      if (!Entry.isEntry(ancestor) || ancestor.hash !== hash) {
        ctx.remember(hash, "undecodable");
        return { ok: false, reason: "invalid-ancestor", walked };
      }
      const decision = await ctx.verify(ancestor);
      if (!decision.ok) return { ok: false, reason: "invalid-ancestor", walked };
      records.push(...decision.envelope.records);
      next.push(...ancestor.next, ...ancestor.refs);
    }
    frontier = next;
  }
  return { ok: true, records, walked, handedOver: false };
}
