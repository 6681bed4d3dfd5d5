import { expect } from "chai";
import { bearer, errorOf, nonce, signIn, siweMessage, startApi, wallet, type TestApi } from "./helpers.ts";

describe("API: sign-in with Ethereum", function () {
  let t: TestApi;
  let now = Date.now();
  const clock = () => now;

  before(async function () {
    t = await startApi({ clock, settings: { "auth.nonceTtlSeconds": 60, "auth.sessionTtlSeconds": 3600 } });
  });
  after(() => t?.stop());
  beforeEach(() => (now = Date.now()));

  async function verify(message: string, signature: string) {
    return t.api.inject({ method: "POST", url: "/v1/auth/verify", payload: { message, signature } });
  }

  describe("POST /v1/auth/nonce", function () {
    it("issues a fresh alphanumeric nonce with its expiry", async function () {
      const first = await t.api.inject({ method: "POST", url: "/v1/auth/nonce" });
      const second = await t.api.inject({ method: "POST", url: "/v1/auth/nonce" });
      expect(first.statusCode).to.equal(200);
      const { nonce: n, expiresAt } = first.json<{ nonce: string; expiresAt: string }>();
      expect(n).to.match(/^[A-Za-z0-9]{8,}$/);
      expect(Date.parse(expiresAt) - now).to.equal(60_000);
      expect(second.json<{ nonce: string }>().nonce).to.not.equal(n);
    });
  });

  describe("POST /v1/auth/verify", function () {
    it("opens a session for the account that signed", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api) });
      const response = await verify(message, await who.signer.signMessage(message));
      expect(response.statusCode).to.equal(200);
      const session = response.json<{ token: string; address: string; expiresAt: string }>();
      expect(session.address).to.equal(who.address);
      expect(session.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(session.expiresAt) - now).to.equal(3_600_000);
    });

    it("binds the session to the chain the node follows", async function () {
      const who = wallet();
      const token = await signIn(t.api, who);
      const session = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(session.json<{ chainId: number }>().chainId).to.equal(t.ctx.chain.chainId);
    });

    it("refuses a replayed message: the nonce is single use (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api) });
      const signature = await who.signer.signMessage(message);
      expect((await verify(message, signature)).statusCode).to.equal(200);
      const replay = await verify(message, signature);
      expect(replay.statusCode).to.equal(401);
      expect(errorOf(replay)).to.include({ code: "invalid-nonce", field: "nonce" });
    });

    it("refuses a nonce this node never issued (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: "abcdefgh12345678" });
      const response = await verify(message, await who.signer.signMessage(message));
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response).code).to.equal("invalid-nonce");
    });

    it("refuses an expired nonce (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api) });
      const signature = await who.signer.signMessage(message);
      now += 61_000;
      const response = await verify(message, signature);
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response)).to.include({ code: "invalid-nonce", field: "nonce" });
    });

    it("consumes the nonce on a failed attempt too", async function () {
      const who = wallet();
      const n = await nonce(t.api);
      const message = siweMessage(who, { nonce: n });
      expect((await verify(message, await wallet().signer.signMessage(message))).statusCode).to.equal(401);
      const retry = await verify(message, await who.signer.signMessage(message));
      expect(errorOf(retry).code).to.equal("invalid-nonce");
    });

    it("refuses a message for another domain (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api), domain: "evil.example" });
      const response = await verify(message, await who.signer.signMessage(message));
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response)).to.include({ code: "wrong-domain", field: "domain" });
    });

    it("refuses a message whose URI is on another origin (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api), uri: "https://evil.example/login" });
      const response = await verify(message, await who.signer.signMessage(message));
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response)).to.include({ code: "wrong-uri", field: "uri" });
    });

    it("refuses a message for another chain (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api), chainId: 1 });
      const response = await verify(message, await who.signer.signMessage(message));
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response)).to.include({ code: "wrong-chain", field: "chainId" });
    });

    it("refuses a signature by another account than the message names (401)", async function () {
      const who = wallet();
      const message = siweMessage(who, { nonce: await nonce(t.api) });
      const response = await verify(message, await wallet().signer.signMessage(message));
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response)).to.include({ code: "bad-signature", field: "signature" });
    });

    it("refuses a malformed signature (401) without a stack trace", async function () {
      const who = wallet();
      for (const signature of ["0x", "0x1234", `0x${"00".repeat(65)}`, `0x${"ff".repeat(65)}`, "not hex"]) {
        const message = siweMessage(who, { nonce: await nonce(t.api) });
        const response = await verify(message, signature);
        expect(response.statusCode, signature).to.equal(401);
        expect(errorOf(response).code).to.equal("bad-signature");
        expect(response.body).to.not.contain("    at ");
      }
    });

    it("refuses a message past its expiration time, or before its not-before time (401)", async function () {
      const who = wallet();
      const expired = siweMessage(who, {
        nonce: await nonce(t.api),
        expirationTime: new Date(now - 1000).toISOString(),
      });
      const early = siweMessage(who, { nonce: await nonce(t.api), notBefore: new Date(now + 60_000).toISOString() });
      const first = await verify(expired, await who.signer.signMessage(expired));
      const second = await verify(early, await who.signer.signMessage(early));
      expect([first.statusCode, second.statusCode]).to.deep.equal([401, 401]);
      expect(errorOf(first).code).to.equal("message-expired");
      expect(errorOf(second).code).to.equal("message-not-yet-valid");
    });

    it("answers 400 with the field for what is not a SIWE message or not the right shape", async function () {
      const notSiwe = await verify("hello", "0x00");
      expect(notSiwe.statusCode).to.equal(400);
      expect(errorOf(notSiwe).field).to.equal("message");
      const missing = await t.api.inject({ method: "POST", url: "/v1/auth/verify", payload: { message: "x" } });
      expect(missing.statusCode).to.equal(400);
      expect(errorOf(missing)).to.include({ code: "invalid-request", field: "body.signature" });
    });
  });

  describe("sessions", function () {
    it("GET /v1/auth/session describes the session; 401 without one", async function () {
      const who = wallet();
      const token = await signIn(t.api, who);
      const response = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(response.statusCode).to.equal(200);
      expect(response.json()).to.include({ address: who.address });
      const anonymous = await t.api.inject({ method: "GET", url: "/v1/auth/session" });
      expect(anonymous.statusCode).to.equal(401);
      expect(anonymous.headers["www-authenticate"]).to.equal("Bearer");
      const unknown = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer("nope") });
      expect(unknown.statusCode).to.equal(401);
    });

    it("POST /v1/auth/logout ends the session", async function () {
      const token = await signIn(t.api, wallet());
      const logout = await t.api.inject({ method: "POST", url: "/v1/auth/logout", headers: bearer(token) });
      expect(logout.statusCode).to.equal(204);
      const after = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(after.statusCode).to.equal(401);
      const again = await t.api.inject({ method: "POST", url: "/v1/auth/logout", headers: bearer(token) });
      expect(again.statusCode).to.equal(401);
    });

    it("POST /v1/auth/refresh renews without a signature: new token, full lifetime, old token dead", async function () {
      const who = wallet();
      const token = await signIn(t.api, who);
      now += 1_800_000;
      const refresh = await t.api.inject({ method: "POST", url: "/v1/auth/refresh", headers: bearer(token) });
      expect(refresh.statusCode).to.equal(200);
      const renewed = refresh.json<{ token: string; address: string; expiresAt: string }>();
      expect(renewed.address).to.equal(who.address);
      expect(renewed.token).to.not.equal(token);
      expect(Date.parse(renewed.expiresAt) - now).to.equal(3_600_000);
      const old = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(old.statusCode).to.equal(401);
      // Past the first token's expiry, the renewed one still works.
      now += 3_000_000;
      const live = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(renewed.token) });
      expect(live.statusCode).to.equal(200);
      expect(live.json()).to.include({ address: who.address, chainId: t.ctx.chain.chainId });
      const anonymous = await t.api.inject({ method: "POST", url: "/v1/auth/refresh" });
      expect(anonymous.statusCode).to.equal(401);
    });

    it("refuses to renew a sign-in older than 7 days: the wallet must sign again", async function () {
      let token = await signIn(t.api, wallet());
      // Renew every 50 minutes for 7 days: every renewal works until the sign-in is 7 days old.
      const week = 7 * 24 * 3_600_000;
      let elapsed = 0;
      while (elapsed + 3_000_000 < week) {
        now += 3_000_000;
        elapsed += 3_000_000;
        const refresh = await t.api.inject({ method: "POST", url: "/v1/auth/refresh", headers: bearer(token) });
        expect(refresh.statusCode).to.equal(200);
        token = refresh.json<{ token: string }>().token;
      }
      now += week - elapsed;
      const tooOld = await t.api.inject({ method: "POST", url: "/v1/auth/refresh", headers: bearer(token) });
      expect(tooOld.statusCode).to.equal(401);
      expect(errorOf(tooOld)).to.include({ code: "sign-in-too-old" });
      // The session itself lives out its lifetime.
      const session = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(session.statusCode).to.equal(200);
    });

    it("expires sessions after auth.sessionTtlSeconds", async function () {
      const token = await signIn(t.api, wallet());
      now += 3_600_000;
      const response = await t.api.inject({ method: "GET", url: "/v1/auth/session", headers: bearer(token) });
      expect(response.statusCode).to.equal(401);
      expect(errorOf(response).message).to.contain("expired");
    });
  });
});
