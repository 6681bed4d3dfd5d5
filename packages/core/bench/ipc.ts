/**
 * The benchmark's process plumbing: each node runs in its own OS process (`fork`), driven over
 * the Node IPC channel by typed calls, and is always ended by its PID (graceful stop first, then
 * SIGKILL if it does not exit in time).
 */
import { fork, type ChildProcess } from "node:child_process";

type Handlers = Record<string, (args: never) => unknown>;

interface Request {
  id: number;
  op: string;
  args: unknown;
}
type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Child side: answers calls with `handlers`, then tells the parent it is ready. */
export function serve(handlers: Handlers): void {
  process.on("message", (message: Request) => {
    const handler = handlers[message.op] as ((args: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown op ${message.op}`);
        return handler(message.args);
      })
      .then(
        (value) => process.send!({ id: message.id, ok: true, value } satisfies Response),
        (error: unknown) => {
          const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          process.send!({ id: message.id, ok: false, error: text } satisfies Response);
        },
      );
  });
  // A benchmark node never outlives its driver (the driver crashed, or was interrupted).
  process.once("disconnect", () => process.exit(1));
  process.send!({ id: 0, ok: true, value: "ready" } satisfies Response);
}

type Args<H, K extends keyof H> = H[K] extends (args: infer A) => unknown ? A : never;
type Result<H, K extends keyof H> = H[K] extends (args: never) => infer R ? Awaited<R> : never;

/** Parent side: a child process running `script` that serves handlers of type `H`. */
export class NodeProcess<H extends Handlers> {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #exited: Promise<void>;
  #next = 1;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (message: Response) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(`[${name}] ${message.error}`));
    });
    child.once("exit", (code, signal) => {
      for (const p of this.#pending.values()) p.reject(new Error(`[${name}] exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  /**
   * Forks `script` with `env` and `execArgv` added to --expose-gc (so that RSS can be read after
   * a collection).
   */
  static async spawn<H extends Handlers>(
    name: string,
    script: URL,
    { env = {}, execArgv = [] }: { env?: Record<string, string>; execArgv?: string[] } = {},
  ): Promise<NodeProcess<H>> {
    const child = fork(script, [], {
      env: { ...process.env, ...env },
      execArgv: ["--disable-warning=ExperimentalWarning", "--expose-gc", ...execArgv],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${name} exited before it was ready (${code})`));
      child.once("exit", onExit);
      child.once("error", reject);
      child.once("message", (message: Response) => {
        child.off("exit", onExit);
        if (message.id === 0) resolve();
        else reject(new Error(`${name}: unexpected first message`));
      });
    });
    return new NodeProcess<H>(name, child);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  call<K extends keyof H & string>(op: K, args: Args<H, K>): Promise<Result<H, K>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, op, args } satisfies Request);
    });
  }

  /**
   * Asks the child to stop (`op`, which must end the process) and waits for it to exit; after
   * `timeoutMs` it is killed by its PID.
   */
  async stop(op: keyof H & string = "stop", timeoutMs = 15_000): Promise<void> {
    if (this.exited) return;
    const call = this.call(op, undefined as never).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await Promise.race([this.#exited, call.then(() => this.#exited)]);
    clearTimeout(timer);
  }

  /** SIGKILL by PID (for a hung child, or on the way out after an error). */
  kill(): void {
    if (!this.exited) process.kill(this.pid, "SIGKILL");
  }
}
