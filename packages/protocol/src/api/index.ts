/**
 * The zod schemas of the node's HTTP API v1: what routes take and answer. The node validates
 * and documents with them (OpenAPI), the SDK types and checks answers with them, so both read
 * one definition.
 */
export * from "./auth.ts";
export * from "./chain.ts";
export * from "./content.ts";
export * from "./errors.ts";
export * from "./faucet.ts";
export * from "./market.ts";
export * from "./node.ts";
export * from "./polls.ts";
export * from "./records.ts";
