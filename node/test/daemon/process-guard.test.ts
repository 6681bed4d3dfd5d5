import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const GUARD = new URL("../../src/process-guard.ts", import.meta.url).pathname;

/** Runs `body` in a fresh Node process (its own unhandledRejection handling, not mocha's). */
async function inProcess(body: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import { guardUnhandledRejections, unhandledRejectionCount } from ${JSON.stringify(GUARD)};
import { pino } from "pino";
const log = pino({ level: "error" }, pino.destination(2));
${body}`;
  try {
    const { stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url).pathname,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("process guard: unhandled promise rejections", function () {
  this.timeout(30_000);

  it("logs and counts a dropped rejection while the daemon runs, and the process goes on", async function () {
    const result = await inProcess(`
const stop = guardUnhandledRejections(log);
void Promise.reject(new Error("pin walker timeout"));
await new Promise((resolve) => setTimeout(resolve, 50));
console.log("alive", unhandledRejectionCount());
await stop();`);
    expect(result.code).to.equal(0);
    expect(result.stdout.trim()).to.equal("alive 1");
    expect(result.stderr).to.contain("pin walker timeout").and.contain("unhandled promise rejection");
  });

  it("hands the process back to Node's default (exit on a rejection) once the daemon stopped", async function () {
    const result = await inProcess(`
const stop = guardUnhandledRejections(log);
await stop();
void Promise.reject(new Error("after stop"));
await new Promise((resolve) => setTimeout(resolve, 50));
console.log("still alive");`);
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.not.contain("still alive");
    expect(result.stderr).to.contain("after stop");
  });
});
