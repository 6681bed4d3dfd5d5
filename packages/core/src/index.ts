/**
 * @stoa/core: the Stoa light node. Helia + libp2p + OrbitDB with one open-membership database per
 * record family, guarded so that forged entries are refused and cannot stall anyone, a local
 * SQLite index per family that answers every query, and content storage. Isomorphic: storage,
 * transports and the SQL engine are injected (Node defaults live in `@stoa/core/node`).
 *
 * @example
 * ```ts
 * import { StoaNode, loopbackOnlyGater } from "@stoa/core";
 * import { nodeStorage } from "@stoa/core/node";
 * import { tcp } from "@libp2p/tcp";
 * const node = new StoaNode({ network: "stoa-dev", ...(await nodeStorage("./repo")), transports: [tcp()],
 *   listen: ["/ip4/127.0.0.1/tcp/0"], connectionGater: loopbackOnlyGater });
 * await node.start();
 * await node.family("profiles").put(signedProfile);
 * const { items } = await node.family("listings").query({ text: "bicycle", filters: { category: "sports" } });
 * await node.stop();
 * ```
 */
export {
  ConfiguredPeers,
  DEFAULT_REDIAL,
  redialDelay,
  type ConfiguredPeerEvent,
  type RedialOptions,
} from "./configured-peers.ts";
export { ContentStore, DEFAULT_CONTENT_LIMITS, type ContentLimits } from "./content.ts";
export * from "./errors.ts";
export { FamilyStore, type PutResult, type RecordHandler } from "./family-store.ts";
export {
  checkEntry,
  checkEnvelope,
  DecisionCache,
  registerStoaAccessController,
  stoaAccessController,
  STOA_ACCESS_CONTROLLER,
  type EntryDecision,
} from "./guard/access-controller.ts";
export { Refusals, type RefusalEvent, type RefusalReason } from "./guard/refusals.ts";
export type { SqlEngine, SqlEngineFactory, SqlStatement, SqlValue } from "./index/engine.ts";
export { RecordIndex, type RecordQuery, type StoredRecord } from "./index/record-index.ts";
export { indexSpecOf } from "./index/specs.ts";
export { isLoopback, loopbackOnlyGater } from "./network.ts";
export { DEFAULT_ENTRY_FETCH_TIMEOUT_MS, StoaNode, type StoaNodeOptions } from "./node.ts";
export { DEFAULT_POLICY_LIMITS, Policy, type PolicyLimits, type Revocation } from "./policy.ts";
export type { NodeGuardOptions, NodeGuardStats } from "./guard/node-guard.ts";
export type { GuardStats } from "./guard/validator.ts";
