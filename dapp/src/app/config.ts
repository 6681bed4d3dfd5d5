/** Where the node is: the page's own origin (the node serves the dApp), or `VITE_STOA_NODE` for the dev server. */
export const NODE_URL: string = (import.meta.env.VITE_STOA_NODE as string | undefined) ?? window.location.origin;

/**
 * The URL of a UnixFS file's bytes on the node (GET /v1/content/:cid): fetched from its peers when
 * it does not hold them, served as untrusted bytes (nosniff, sandboxed), cached as immutable.
 */
export const contentUrl = (cid: string): string => `${NODE_URL}/v1/content/${cid}`;
