/**
 * The SDK's errors: named classes, so that callers branch on `error.name` (or `instanceof`),
 * never on message text. Every one extends StoaError.
 */

/** The base of every error the SDK throws on purpose. */
export class StoaError extends Error {
  override name: string = "StoaError";
}

/**
 * The node answered with an error: its HTTP status, its stable `code` (invalid-record,
 * unauthorized, wrong-chain, not-found, ...), the dotted `field` at fault when one is, and the
 * `reason` of a policy refusal.
 */
export class StoaApiError extends StoaError {
  override name = "StoaApiError" as const;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly reason?: string;
  constructor(status: number, code: string, message: string, options: { field?: string; reason?: string } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = options.field;
    this.reason = options.reason;
  }
}

/** The node could not be reached, or answered something that is not the API's (a proxy page, bad JSON). */
export class StoaNetworkError extends StoaError {
  override name = "StoaNetworkError" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A contract call reverted. `errorName` and `args` are the decoded custom error (e.g.
 * `ERC20InsufficientBalance` with `[sender, balance, needed]`) when the ABI knows it; `Error`
 * with `[message]` for a `require` string, `Panic` with `[code]` for a panic.
 */
export class StoaContractError extends StoaError {
  override name = "StoaContractError" as const;
  readonly contract: string;
  readonly functionName: string;
  readonly errorName?: string;
  readonly args: readonly unknown[];
  constructor(
    message: string,
    fields: { contract: string; functionName: string; errorName?: string; args?: readonly unknown[]; cause?: unknown },
  ) {
    super(message, { cause: fields.cause });
    this.contract = fields.contract;
    this.functionName = fields.functionName;
    this.errorName = fields.errorName;
    this.args = fields.args ?? [];
  }
}

/** The action needs a signed-in session: call `signIn` first. */
export class SessionRequiredError extends StoaError {
  override name = "SessionRequiredError" as const;
  constructor(action: string) {
    super(`${action} needs a session: sign in first (signIn)`);
  }
}

/** The action signs or sends a transaction: create the client with a `signer`. */
export class SignerRequiredError extends StoaError {
  override name = "SignerRequiredError" as const;
  constructor(action: string) {
    super(`${action} needs a signer: pass a viem account or wallet client as \`signer\``);
  }
}

/** The action reads the chain: create the client with a `provider` (or a wallet client as `signer`). */
export class ProviderRequiredError extends StoaError {
  override name = "ProviderRequiredError" as const;
  constructor(action: string) {
    super(`${action} needs a chain: pass an EIP-1193 provider or a viem transport/client as \`provider\``);
  }
}

/** The provider is on another chain than the deployment manifest says. */
export class ChainMismatchError extends StoaError {
  override name = "ChainMismatchError" as const;
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super(`the deployment is on chain ${expected}, but the provider is on chain ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The deployment manifest is unusable: malformed (`field` names the place), it lacks a contract
 * the action needs, or its ABI is not the one this SDK was built with (`abiHash` differs).
 */
export class DeploymentError extends StoaError {
  override name = "DeploymentError" as const;
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** An edit or withdrawal of a listing that another account wrote: only its author can replace it. */
export class NotListingOwnerError extends StoaError {
  override name = "NotListingOwnerError" as const;
  readonly listingId: string;
  readonly owner: string;
  readonly account: string;
  constructor(listingId: string, owner: string, account: string) {
    super(`listing ${listingId} belongs to ${owner}; ${account} cannot edit or withdraw it`);
    this.listingId = listingId;
    this.owner = owner;
    this.account = account;
  }
}

/** The account has published no order-notes key yet (`publishNoteKey`): notes cannot be encrypted to it. */
export class NoteKeyMissingError extends StoaError {
  override name = "NoteKeyMissingError" as const;
  readonly account: string;
  constructor(account: string) {
    super(`${account} has not set up encrypted order notes yet (no note key in their profile)`);
    this.account = account;
  }
}
