/**
 * Blocks and whole DAGs out of the node's blockstore, for the verifiable gateway: a raw block, or
 * a CARv1 (@ipld/car) of every block reachable from a root, depth first, each block once. Links
 * are found by decoding each block with Helia's codecs (dag-pb, dag-cbor, raw, ...), so that any
 * DAG the node holds can be exported, not only UnixFS files.
 */
import { CarWriter } from "@ipld/car";
import type { StoaNode } from "@stoa/core";
import { CID } from "multiformats/cid";
import { ApiError } from "./errors.ts";

type Helia = StoaNode["helia"];

/** Most blocks in one CAR: far above any file within content.maxBytes at 256 KiB chunks. */
export const MAX_CAR_BLOCKS = 100_000;

/** The bytes of one block, from this node or (with a timeout) its peers. */
export async function readBlock(helia: Helia, cid: CID, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of helia.blockstore.get(cid, { signal })) {
    chunks.push(chunk);
    length += chunk.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Every CID a decoded block links to, in document order. */
function linksOf(value: unknown, found: CID[] = []): CID[] {
  const cid = CID.asCID(value);
  if (cid) {
    found.push(cid);
    return found;
  }
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return found;
  for (const child of Array.isArray(value) ? value : Object.values(value)) linksOf(child, found);
  return found;
}

export interface DagPlan {
  /** Every block, depth first from the root, each once. */
  blocks: CID[];
  /** Sum of the blocks' sizes. */
  bytes: number;
}

/** Walks the DAG under `root`; refuses it (403) past `maxBytes` or MAX_CAR_BLOCKS blocks. */
export async function planDag(helia: Helia, root: CID, maxBytes: number, signal: AbortSignal): Promise<DagPlan> {
  const seen = new Set<string>();
  const blocks: CID[] = [];
  let bytes = 0;
  const stack: CID[] = [root];
  while (stack.length > 0) {
    const cid = stack.pop()!;
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const block = await readBlock(helia, cid, signal);
    bytes += block.length;
    blocks.push(cid);
    if (bytes > maxBytes || blocks.length > MAX_CAR_BLOCKS) {
      throw new ApiError(
        403,
        "content-too-large",
        `the DAG under ${root.toString()} is larger than this node serves (${maxBytes} bytes)`,
      );
    }
    const codec = await helia.getCodec(cid.code);
    const links = linksOf(codec.decode(block));
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i]!);
  }
  return { blocks, bytes };
}

/** The CARv1 of a planned DAG, as a byte stream; a failed read ends it early (and so fails verification). */
export async function* carStream(
  helia: Helia,
  root: CID,
  plan: DagPlan,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const { writer, out } = CarWriter.create([root]);
  let stopped = false;
  const producing = (async () => {
    try {
      for (const cid of plan.blocks) {
        if (stopped) break;
        await writer.put({ cid, bytes: await readBlock(helia, cid, signal) });
      }
    } finally {
      await writer.close();
    }
  })();
  let finished = false;
  try {
    for await (const chunk of out) yield chunk;
    finished = true;
    await producing;
  } finally {
    if (!finished) {
      // The reader went away: let the writer run dry so that nothing waits on a drained channel.
      stopped = true;
      for await (const _ of out) {
        // discard
      }
      await producing.catch(() => undefined);
    }
  }
}
