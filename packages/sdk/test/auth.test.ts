import { expect } from "chai";
import {
  createNodeClient,
  getNodeInfo,
  putRecord,
  SessionRequiredError,
  signRecord,
  StoaApiError,
  type StoaClient,
} from "../src/index.ts";
import { freshAccount, testClient } from "./helpers.ts";

async function refusal(promise: Promise<unknown>): Promise<StoaApiError> {
  const error = await promise.then(
    () => expect.fail("expected a refusal"),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(StoaApiError);
  return error as StoaApiError;
}

describe("auth: signIn, getSession, signOut", function () {
  let stoa: StoaClient;
  beforeEach(async function () {
    stoa = await testClient({ signer: freshAccount() });
  });

  it("signs in with SIWE and holds the session on the client", async function () {
    const session = await stoa.signIn();
    expect(session.address).to.equal(stoa.signing!.address.toLowerCase());
    expect(stoa.session?.token).to.equal(session.token);
    const seen = await stoa.getSession();
    expect(seen.address).to.equal(session.address);
    expect(seen.chainId).to.equal(31337);
  });

  it("refreshes the session without a signature: a new token on the client, the old one dead", async function () {
    const first = await stoa.signIn();
    const renewed = await stoa.refreshSession();
    expect(renewed.address).to.equal(first.address);
    expect(renewed.token).to.not.equal(first.token);
    expect(stoa.session?.token).to.equal(renewed.token);
    expect((await stoa.getSession()).address).to.equal(first.address);
    const other = await testClient({});
    other.session = first;
    expect((await refusal(other.getSession())).status).to.equal(401);
    const signedOut = await testClient({});
    let error: unknown;
    await signedOut.refreshSession().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(SessionRequiredError);
  });

  it("the node-only client reads the node without viem's chain side", async function () {
    const node = createNodeClient({ node: stoa.nodeUrl });
    const info = await getNodeInfo(node);
    expect(info.network).to.equal(await stoa.getNodeInfo().then((own) => own.network));
  });

  it("signs out: the token stops working and the client forgets it", async function () {
    await stoa.signIn();
    const token = stoa.session!.token;
    await stoa.signOut();
    expect(stoa.session).to.equal(undefined);
    const other = await testClient({ sessionToken: token });
    other.session = { token, address: "0x0000000000000000000000000000000000000000", expiresAt: "" };
    const error = await refusal(other.getSession());
    expect(error.status).to.equal(401);
    expect(error.code).to.equal("unauthorized");
  });

  it("is refused for another chain: StoaApiError 401 wrong-chain on chainId", async function () {
    const error = await refusal(stoa.signIn({ chainId: 1 }));
    expect([error.status, error.code, error.field]).to.deep.equal([401, "wrong-chain", "chainId"]);
    expect(stoa.session).to.equal(undefined);
  });

  it("is refused for an expired message: message-expired", async function () {
    const error = await refusal(stoa.signIn({ expirationTime: new Date(Date.now() - 60_000) }));
    expect([error.status, error.code]).to.deep.equal([401, "message-expired"]);
  });

  it("is refused for another domain: wrong-domain", async function () {
    const error = await refusal(stoa.signIn({ domain: "example.com" }));
    expect([error.code, error.field]).to.deep.equal(["wrong-domain", "domain"]);
  });

  it("writes need a session: SessionRequiredError before any request", async function () {
    const record = await signRecord(stoa, { type: "profile", body: { name: "Nobody" } });
    const error = await putRecord(stoa, { envelope: record }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SessionRequiredError);
    expect((error as Error).name).to.equal("SessionRequiredError");
  });
});
