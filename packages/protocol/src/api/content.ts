/** Content over the API: what adding a file answers. */
import { z } from "zod";

export const contentAddedSchema = z.object({ cid: z.string(), size: z.number().int().describe("bytes") });

export type ApiContentAdded = z.output<typeof contentAddedSchema>;
