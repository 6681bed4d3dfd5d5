/**
 * OrbitDB's entry storage for a Stoa node: entries as pinned Helia blocks behind an LRU cache.
 * The short timeout bounds only the fetch of an entry this node does not hold (the backstop
 * against heads nobody can serve). Its own writes, their pins and reads of blocks it holds keep
 * OrbitDB's default (30 s): on a busy node local storage calls wait their turn on the event loop,
 * and under the short timeout a valid local write failed (its pin aborted after 2 s).
 */
import { ComposedStorage, IPFSBlockStorage, LRUStorage, type Storage } from "@orbitdb/core";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";

/** The part of Helia this needs: whether the local blockstore holds a block. */
export interface LocalBlocks {
  blockstore: { has(cid: CID): boolean | Promise<boolean> };
}

export async function entryStorage(ipfs: LocalBlocks, fetchTimeoutMs: number): Promise<Storage> {
  const held = await IPFSBlockStorage({ ipfs, pin: true });
  const fetched = await IPFSBlockStorage({ ipfs, pin: true, timeout: fetchTimeoutMs });
  const blocks: Storage = {
    // put, persist (pinning) and the rest without the short timeout
    ...held,
    get: async (hash) => ((await ipfs.blockstore.has(CID.parse(hash, base58btc))) ? held : fetched).get(hash),
    close: async () => {
      await held.close();
      await fetched.close();
    },
  };
  return ComposedStorage(await LRUStorage({ size: 1000 }), blocks);
}
