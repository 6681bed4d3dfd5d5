/**
 * @stoa/protocol: what a Stoa record is, and how it is signed, identified and verified. Pure and
 * isomorphic (Node and browsers), no I/O.
 *
 * @example
 * ```ts
 * import { buildRecord, signRecord, verifyEnvelope, randomPrivateKey, addressOfPrivateKey } from "@stoa/protocol";
 * const key = randomPrivateKey();
 * const profile = buildRecord("profile", addressOfPrivateKey(key), { name: "Ada" });
 * const signed = signRecord("stoa-dev", profile, key);
 * const { id, records } = verifyEnvelope("stoa-dev", "profiles", signed); // id = EIP-712 digest
 * ```
 */
export type { Hex } from "./bytes.ts";
export { canonicalJson } from "./canonical-json.ts";
export { typedDataDigest, type StoaDomain, type TypedTypes } from "./eip712.ts";
export {
  BATCH_TYPES_712,
  batchDigest,
  batchShape,
  batchTypedData,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
  MAX_CREATED_AT,
  MIN_CREATED_AT,
  RECORD_TYPES_712,
  recordDigest,
  recordShape,
  recordTypedData,
  signerOf,
  type AuthorBatch,
  type BatchItem,
  type Envelope,
  type SignedRecord,
  type UnsignedRecord,
} from "./envelope.ts";
export {
  DelegationError,
  InvalidRecordError,
  NoteDecryptError,
  SignatureError,
  type NoteDecryptRule,
  type ProtocolError,
} from "./errors.ts";
export { databaseName, domainOf, FAMILIES, familyOf, NETWORK_ID, type Family, type TypesOf } from "./families.ts";
export { addressOfPrivateKey, addressOfPublicKey, randomPrivateKey, recoverSigner, signDigest } from "./keys.ts";
export * from "./records/index.ts";
export { buildRecord, CURRENT_VERSION, delegate, signBatch, signRecord, withSignature } from "./sign.ts";
export { verifyBatch, verifyEnvelope, verifyRecord, type VerifiedEnvelope, type VerifiedRecord } from "./verify.ts";
// market: order notes
export {
  MAX_NOTE_PLAINTEXT_BYTES,
  noteKeyFromSignature,
  noteKeyMessage,
  openOrderNote,
  orderNotePlaintextV1,
  sealOrderNote,
  type NoteKeyPair,
  type OpenOrderNoteParameters,
  type OrderNotePlaintextV1,
  type SealOrderNoteParameters,
} from "./market/notes.ts";
// governance: polls
export { choiceProblem, inPollWindow, pointsOf, POLL_STATES, pollStateAt, type PollState } from "./governance/polls.ts";
export {
  isqrt,
  latestPollVotes,
  tallyPoll,
  type CountedVote,
  type PollTally,
  type TallyPollParameters,
  type TallyVote,
} from "./governance/tally.ts";
