/**
 * A proposal's description on chain: its title as a Markdown heading, then a link to the full
 * Markdown text in IPFS. The governor hashes the description into the proposal id, so the text
 * on chain stays short and fixed while the body can be long:
 *
 *   # Lower the marketplace fee to 2%
 *
 *   ipfs://bafkrei...
 *
 * Descriptions written by other tools are read as they are: the first line is the title, the
 * whole text the body.
 */
const CID = /^[a-zA-Z0-9]{20,120}$/;
const MAX_TITLE = 200;

/** The title, trimmed; RangeError unless it is one line of 1-200 characters. */
export function checkProposalTitle(title: string): string {
  const clean = title.trim();
  if (clean.length === 0 || clean.length > MAX_TITLE || /[\r\n]/.test(clean)) {
    throw new RangeError(`a proposal title is one line of 1-${MAX_TITLE} characters`);
  }
  return clean;
}

/** The on-chain description of a proposal whose Markdown body is at `bodyCid`. */
export function proposalDescription(title: string, bodyCid: string): string {
  const clean = checkProposalTitle(title);
  if (!CID.test(bodyCid)) throw new RangeError(`not a CID: ${bodyCid}`);
  return `# ${clean}\n\nipfs://${bodyCid}`;
}

/** Title and body of a description: `bodyCid` when the body is in IPFS, else `body` is the text. */
export function parseDescription(description: string): { title: string; bodyCid?: string; body?: string } {
  const ours = /^# (.+)\n\nipfs:\/\/([a-zA-Z0-9]+)$/.exec(description);
  if (ours && CID.test(ours[2]!)) return { title: ours[1]!, bodyCid: ours[2]! };
  const firstLine = description
    .split("\n", 1)[0]!
    .replace(/^#+\s*/, "")
    .trim();
  return { title: firstLine.slice(0, MAX_TITLE) || "(untitled)", body: description };
}
