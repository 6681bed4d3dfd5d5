/** `profile`: an account's public profile. One current version per author (key "profile"). */
import { z } from "zod";
import { cid, httpsUrl, line, text } from "./fields.ts";

export const profileV1 = z.strictObject({
  name: line(64),
  bio: text(1000).optional(),
  avatar: cid.optional(),
  location: line(64).optional(),
  links: z.array(httpsUrl).max(5).optional(),
});
export type ProfileV1 = z.infer<typeof profileV1>;
