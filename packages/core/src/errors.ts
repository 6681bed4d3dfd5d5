/**
 * Errors of @stoa/core, one class per failure a caller may handle. Branch on `name`, never on
 * message text. Errors about caller input carry `field` (a dotted path) and `rule`, so that an
 * HTTP API can answer `{ code, message, field }`. Protocol errors (InvalidRecordError,
 * SignatureError, DelegationError from @stoa/protocol) pass through unchanged.
 */

/** The node (or a store) is not started, or was stopped. */
export class NotStartedError extends Error {
  override name = "NotStartedError" as const;
}

/** No record, entry or content with this id on this node. */
export class NotFoundError extends Error {
  override name = "NotFoundError" as const;
}

/** The node's policy refuses the write: denied author, revoked delegate, rate limit. */
export class PolicyRefusalError extends Error {
  override name = "PolicyRefusalError" as const;
  readonly reason: string;
  readonly field: string;
  constructor(message: string, reason: string, field = "author") {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}

/** Content above the node's size limit. */
export class ContentTooLargeError extends Error {
  override name = "ContentTooLargeError" as const;
  readonly limit: number;
  constructor(message: string, limit: number) {
    super(message);
    this.limit = limit;
  }
}

/** The record was written to the wrong family (database). */
export class WrongFamilyError extends Error {
  override name = "WrongFamilyError" as const;
  readonly field = "type";
}

/** A network operation did not finish in time. */
export class TimeoutError extends Error {
  override name = "TimeoutError" as const;
}

/** A configuration option is missing, of the wrong kind or out of range. */
export class InvalidOptionError extends Error {
  override name = "InvalidOptionError" as const;
  readonly field: string;
  readonly rule: string;
  constructor(message: string, field: string, rule = "range") {
    super(message);
    this.field = field;
    this.rule = rule;
  }
}

/**
 * A query the index cannot answer as asked: unknown filter or sort, wrong value shape, limit out
 * of range, tampered or foreign cursor. `field` is its dotted path in the query
 * ("filters.price", "limit", "cursor"), `rule` the rule it broke ("unknown", "shape", "range").
 */
export class QueryError extends Error {
  override name = "QueryError" as const;
  readonly field: string;
  readonly rule: string;
  constructor(message: string, field: string, rule: string) {
    super(message);
    this.field = field;
    this.rule = rule;
  }
}

/** An index file written by a later version of Stoa (its layout is unknown to this one). */
export class IndexVersionError extends Error {
  override name = "IndexVersionError" as const;
  readonly found: number;
  readonly supported: number;
  constructor(message: string, found: number, supported: number) {
    super(message);
    this.found = found;
    this.supported = supported;
  }
}

/**
 * A statement SQLite refused in the browser engine (sqlite-wasm in its worker), carried back to
 * the caller with SQLite's own message. Shaped like node:sqlite's errors (`code`
 * "ERR_SQLITE_ERROR", `errcode` the extended result code, `errstr` its description), so that
 * code branching on them reads the same on both engines.
 */
export class SqliteError extends Error {
  override name = "SqliteError" as const;
  readonly code = "ERR_SQLITE_ERROR" as const;
  readonly errcode: number;
  readonly errstr: string;
  constructor(message: string, errcode: number, errstr: string) {
    super(message);
    this.errcode = errcode;
    this.errstr = errstr;
  }
}
