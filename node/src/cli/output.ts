/**
 * How commands talk to the terminal: human text by default, JSON with --json, and errors as one
 * line that says what went wrong and what to do next (exit code 1; 2 for bad usage).
 */
export interface OutputOptions {
  json?: boolean;
}

/** A failure the user can act on; `hint` says how. */
export class CliError extends Error {
  override name = "CliError" as const;
  readonly hint?: string;
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 1) {
    super(message);
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function print(options: OutputOptions, value: unknown, human: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

export function printError(error: unknown, json: boolean): number {
  const e = error as Error & { hint?: string; exitCode?: number; code?: string; field?: string };
  const code = e.exitCode ?? 1;
  if (json) {
    process.stderr.write(
      `${JSON.stringify({ error: { code: e.code ?? e.name, message: e.message, field: e.field, hint: e.hint } })}\n`,
    );
  } else {
    process.stderr.write(`Error: ${e.message}\n`);
    if (e.hint) process.stderr.write(`${e.hint}\n`);
  }
  return code;
}
