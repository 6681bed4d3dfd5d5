/** Where the node is: the page's own origin (the node serves the dApp), or `VITE_STOA_NODE` for the dev server. */
export const NODE_URL: string = (import.meta.env.VITE_STOA_NODE as string | undefined) ?? window.location.origin;

/** The node's IPFS gateway URL of `cid`: it verifies blocks before serving them. */
export const ipfsUrl = (cid: string): string => `${NODE_URL}/ipfs/${cid}`;
