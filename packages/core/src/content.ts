/**
 * Content: UnixFS files and bytes in IPFS, with size limits on what this node adds and serves,
 * and pinning of what it keeps. Records refer to content by CID.
 */
import type { UnixFS } from "@helia/unixfs";
import type { Pins } from "@helia/interface";
import { CID } from "multiformats/cid";
import { ContentTooLargeError, NotFoundError, TimeoutError } from "./errors.ts";

export interface ContentLimits {
  /** Largest file this node adds or returns, in bytes. */
  maxBytes: number;
  /** How long a fetch from peers may take before it fails, in ms. */
  fetchTimeoutMs: number;
}

export const DEFAULT_CONTENT_LIMITS: ContentLimits = { maxBytes: 64 * 1024 * 1024, fetchTimeoutMs: 30_000 };

export interface AddOptions {
  /** Keep the content (default true). */
  pin?: boolean;
  /** Called with the bytes read so far. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

export interface CatOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Parses a CID string, or throws NotFoundError naming the field. */
export function parseCid(cid: string): CID {
  try {
    return CID.parse(cid);
  } catch {
    throw new NotFoundError(`not a CID: ${cid}`);
  }
}

export class ContentStore {
  readonly limits: ContentLimits;
  readonly #fs: UnixFS;
  readonly #pins: Pins;

  constructor(fs: UnixFS, pins: Pins, limits: Partial<ContentLimits> = {}) {
    this.#fs = fs;
    this.#pins = pins;
    this.limits = { ...DEFAULT_CONTENT_LIMITS, ...limits };
  }

  /** Adds bytes as a UnixFS file; returns its CID (v1, raw leaves). */
  async addBytes(bytes: Uint8Array, options: AddOptions = {}): Promise<string> {
    this.#checkSize(bytes.length);
    const cid = await this.#fs.addBytes(bytes, { signal: options.signal });
    options.onProgress?.(bytes.length);
    if (options.pin ?? true) await this.pin(cid.toString());
    return cid.toString();
  }

  /** Adds a stream of chunks as a UnixFS file, refusing it as soon as it passes the limit. */
  async addStream(chunks: AsyncIterable<Uint8Array>, options: AddOptions = {}): Promise<string> {
    const limit = this.limits.maxBytes;
    let total = 0;
    const checked = async function* () {
      for await (const chunk of chunks) {
        total += chunk.length;
        if (total > limit) throw new ContentTooLargeError(`content is larger than ${limit} bytes`, limit);
        options.onProgress?.(total);
        yield chunk;
      }
    };
    const cid = await this.#fs.addByteStream(checked(), { signal: options.signal });
    if (options.pin ?? true) await this.pin(cid.toString());
    return cid.toString();
  }

  /** The bytes of a UnixFS file, from this node or its peers, within the size and time limits. */
  async *cat(cid: string, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
    const parsed = parseCid(cid);
    const timeoutMs = options.timeoutMs ?? this.limits.fetchTimeoutMs;
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])]);
    const size = await this.size(cid, { signal });
    this.#checkSize(size);
    try {
      for await (const chunk of this.#fs.cat(parsed, { signal })) yield chunk;
    } catch (error) {
      if (signal.aborted && !options.signal?.aborted)
        throw new TimeoutError(`fetching ${cid} took over ${timeoutMs} ms`);
      throw error;
    }
  }

  /** The whole file as one byte array (within the limits). */
  async catBytes(cid: string, options: CatOptions = {}): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of this.cat(cid, options)) {
      chunks.push(chunk);
      length += chunk.length;
    }
    const out = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  /** The file's size in bytes. */
  async size(cid: string, options: CatOptions = {}): Promise<number> {
    const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs ?? this.limits.fetchTimeoutMs);
    try {
      const stat = await this.#fs.stat(parseCid(cid), { signal });
      return Number(stat.size);
    } catch (error) {
      if (signal.aborted) throw new TimeoutError(`no peer served ${cid} in time`);
      throw error;
    }
  }

  async pin(cid: string): Promise<void> {
    const parsed = parseCid(cid);
    if (await this.#pins.isPinned(parsed)) return;
    for await (const _ of this.#pins.add(parsed)) {
      // walks and pins every block of the DAG
    }
  }

  async unpin(cid: string): Promise<void> {
    const parsed = parseCid(cid);
    if (!(await this.#pins.isPinned(parsed))) return;
    for await (const _ of this.#pins.rm(parsed)) {
      // unpins every block
    }
  }

  async isPinned(cid: string): Promise<boolean> {
    return this.#pins.isPinned(parseCid(cid));
  }

  #checkSize(bytes: number): void {
    if (bytes > this.limits.maxBytes) {
      throw new ContentTooLargeError(
        `content of ${bytes} bytes is above the limit of ${this.limits.maxBytes}`,
        this.limits.maxBytes,
      );
    }
  }
}
