/**
 * Local policy: who this node will not relay or show. It may differ between nodes (each follows
 * the DAO's deny list from its own view of the chain, at its own pace), so it is applied only where
 * divergence is harmless: the gossip validator (what this node relays) and the indexes (what its
 * queries return), never in the access controller (what the shared log accepts).
 */

export interface Revocation {
  author: string;
  delegate: string;
  /** Records the delegate signed with createdAt after this (ms) are refused and hidden. */
  since: number;
}

/** The node applies changes to its indexes too (StoaNode.deny / allow / revoke). */
export class Policy {
  readonly #denied = new Set<string>();
  readonly #revoked = new Map<string, number>();

  /** Stops relaying and showing `author`'s records. */
  deny(author: string): void {
    const a = author.toLowerCase();
    if (this.#denied.has(a)) return;
    this.#denied.add(a);
  }

  /** Relays and shows `author`'s records again. */
  allow(author: string): void {
    const a = author.toLowerCase();
    this.#denied.delete(a);
  }

  isDenied(author: string): boolean {
    return this.#denied.has(author.toLowerCase());
  }

  denied(): string[] {
    return [...this.#denied];
  }

  /** Withdraws `delegate` for `author` from `since` (ms) on; the earliest revocation wins. */
  revoke({ author, delegate, since }: Revocation): void {
    const key = `${author.toLowerCase()}:${delegate.toLowerCase()}`;
    const current = this.#revoked.get(key);
    if (current !== undefined && current <= since) return;
    this.#revoked.set(key, since);
  }

  /** Whether a record by `author` signed by `signer` at `createdAt` falls under a revocation. */
  isRevoked(author: string, signer: string, createdAt: number): boolean {
    if (author.toLowerCase() === signer.toLowerCase()) return false;
    const since = this.#revoked.get(`${author.toLowerCase()}:${signer.toLowerCase()}`);
    return since !== undefined && createdAt > since;
  }

  revocations(): Revocation[] {
    return [...this.#revoked].map(([key, since]) => {
      const [author, delegate] = key.split(":") as [string, string];
      return { author, delegate, since };
    });
  }
}
