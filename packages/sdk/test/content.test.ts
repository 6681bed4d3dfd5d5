import { expect } from "chai";
import { addContent, catContent, StoaApiError } from "../src/index.ts";
import { freshAccount, testClient } from "./helpers.ts";

describe("content: addContent, catContent", function () {
  it("adds bytes and reads them back, byte for byte", async function () {
    const stoa = await testClient({ signer: freshAccount() });
    await stoa.signIn();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const { cid, size } = await addContent(stoa, { content: bytes });
    expect(size).to.equal(bytes.length);
    expect(cid).to.match(/^b/);
    expect(Buffer.from(await catContent(stoa, { cid })).equals(Buffer.from(bytes))).to.equal(true);
    const text = await stoa.addContent({ content: "hello, stoa" });
    expect(new TextDecoder().decode(await stoa.catContent({ cid: text.cid }))).to.equal("hello, stoa");
  });

  it("refusals: no CID (400), content no one has (404)", async function () {
    const stoa = await testClient();
    const bad = (await stoa.catContent({ cid: "not-a-cid" }).catch((e: unknown) => e)) as StoaApiError;
    expect([bad.name, bad.status, bad.field]).to.deep.equal(["StoaApiError", 400, "cid"]);
    const absent = (await stoa
      .catContent({ cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" })
      .catch((e: unknown) => e)) as StoaApiError;
    expect([absent.status, absent.code]).to.deep.equal([404, "not-found"]);
  });
});
