import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI_BIN = fileURLToPath(new URL("../../bin/codex-review.js", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `codex-review` bin as a real child process, as `npx codex-review` does, with only the given
 * environment (plus PATH/HOME). Asynchronous on purpose: the fakes it talks to live in this process.
 */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliRun> {
  return runCommand(process.execPath, [CLI_BIN, ...args], env, timeoutMs);
}

/** Any command in the project root, collected the same way (e.g. `npx codex-review`). */
export async function runCommand(command: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliRun> {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("close", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
