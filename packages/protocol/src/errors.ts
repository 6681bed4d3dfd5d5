/**
 * Errors of @stoa/protocol. Callers branch on `name` (or `instanceof`), never on message text.
 * Every error that concerns one field of a record names it (`field`, a dotted path) and the rule
 * it broke (`rule`), so that an API can answer `{ code, message, field }`.
 */

/** The record (or batch, or delegation) does not match its schema or a size limit. */
export class InvalidRecordError extends Error {
  override name = "InvalidRecordError" as const;
  readonly field: string;
  readonly rule: string;
  constructor(message: string, field: string, rule: string) {
    super(message);
    this.field = field;
    this.rule = rule;
  }
}

/** The signature is malformed, not canonical, or not by the account that must have signed. */
export class SignatureError extends Error {
  override name = "SignatureError" as const;
  readonly field: string;
  constructor(message: string, field = "sig") {
    super(message);
    this.field = field;
  }
}

export type DelegationRule = "author" | "scope" | "expired" | "not-yet-valid" | "nested" | "family";

/** The record is signed by an app key whose delegation does not cover it. */
export class DelegationError extends Error {
  override name = "DelegationError" as const;
  readonly field = "delegation";
  readonly rule: DelegationRule;
  constructor(message: string, rule: DelegationRule) {
    super(message);
    this.rule = rule;
  }
}

/**
 * Why an order note did not open: `sealed`, it is not sealed to this key or was altered (the
 * cipher cannot tell these apart, and says nothing more); `plaintext`, it opened but what the
 * author sealed is not an order note.
 */
export type NoteDecryptRule = "sealed" | "plaintext";

/**
 * An order note that does not open with the given key (sealed to another key, or altered), or
 * whose content is not an order note; `rule` says which.
 */
export class NoteDecryptError extends Error {
  override name = "NoteDecryptError" as const;
  readonly field = "ciphertext";
  readonly rule: NoteDecryptRule;
  constructor(
    message = "this note cannot be opened with this key (it is not addressed to it, or it was altered)",
    rule: NoteDecryptRule = "sealed",
  ) {
    super(message);
    this.rule = rule;
  }
}

export type ProtocolError = InvalidRecordError | SignatureError | DelegationError | NoteDecryptError;
