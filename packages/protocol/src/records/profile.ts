/** `profile`: an account's public profile. One current version per author (key "profile"). */
import { z } from "zod";
import { cid, httpsUrl, line, text } from "./fields.ts";

export const profileV1 = z.strictObject({
  name: line(64),
  bio: text(1000).optional(),
  avatar: cid.optional(),
  location: line(64).optional(),
  links: z.array(httpsUrl).max(5).optional(),
  /**
   * The account's x25519 public key for order notes (market/notes.ts): others encrypt to it.
   * Derived from a wallet signature, so the wallet alone recovers the secret key.
   */
  noteKey: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/, "must be 32 bytes of lower-case hex")
    .optional(),
});
export type ProfileV1 = z.infer<typeof profileV1>;
