/**
 * Errors of the chain service, one class per failure a caller (the CLI, the API) may handle.
 * Branch on `name`; the message says what to do next.
 */

/** The dev chain's JSON-RPC port is taken. */
export class DevPortInUseError extends Error {
  override name = "DevPortInUseError" as const;
  readonly port: number;
  constructor(port: number) {
    super(
      `127.0.0.1:${port} is in use (another dev chain, \`npm start\` or a Stoa daemon?): ` +
        `set chain.devPort / STOA_CHAIN_DEV_PORT to a free port, or 0 to pick any free port`,
    );
    this.port = port;
  }
}

/** The embedded dev chain cannot start: Hardhat, the contract artifacts or the deployment failed. */
export class DevChainError extends Error {
  override name = "DevChainError" as const;
}

/** A chain setting is missing or inconsistent (rpc mode without a URL, ...). */
export class ChainConfigError extends Error {
  override name = "ChainConfigError" as const;
  readonly setting: string;
  constructor(message: string, setting: string) {
    super(message);
    this.setting = setting;
  }
}

/** The JSON-RPC endpoint does not answer, or answers something that is not JSON-RPC. */
export class ChainUnreachableError extends Error {
  override name = "ChainUnreachableError" as const;
  readonly rpcUrl: string;
  constructor(message: string, rpcUrl: string) {
    super(message);
    this.rpcUrl = rpcUrl;
  }
}

/** The deployment manifest is missing, unreadable or not a Stoa manifest. */
export class ManifestError extends Error {
  override name = "ManifestError" as const;
  readonly path: string;
  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

/** The manifest describes another chain than the RPC serves (or its contracts are not there). */
export class ChainMismatchError extends Error {
  override name = "ChainMismatchError" as const;
  readonly expectedChainId: number;
  readonly actualChainId: number;
  constructor(message: string, expectedChainId: number, actualChainId: number) {
    super(message);
    this.expectedChainId = expectedChainId;
    this.actualChainId = actualChainId;
  }
}

/** The indexer was stopped while a caller waited for it. */
export class IndexerStoppedError extends Error {
  override name = "IndexerStoppedError" as const;
}

/** `waitFor` gave up: the indexer did not reach the block in time. */
export class IndexerTimeoutError extends Error {
  override name = "IndexerTimeoutError" as const;
  readonly block: number;
  constructor(message: string, block: number) {
    super(message);
    this.block = block;
  }
}
