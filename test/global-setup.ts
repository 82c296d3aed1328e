import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const { Redis } = await import("ioredis");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("redis-server did not answer PING within 10 s");
}

/** What `npm test` says when it cannot start its Redis. */
export const REDIS_SERVER_HINT =
  "The tests need a real Redis: install redis-server (Debian/Ubuntu: `sudo apt-get install -y redis-server`, " +
  "macOS: `brew install redis`), or set TEST_REDIS_URL=redis://127.0.0.1:6379 to use one that runs already";

/** One real Redis for the whole run; each test uses its own queue names, so they never share state. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_REDIS_URL) {
    project.provide("redisUrl", process.env.TEST_REDIS_URL);
    return;
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "codex-review-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: "ignore" },
  );
  // A missing binary is reported as an `error` event; thrown inside its handler it would kill the run
  // without a word, so it rejects the setup instead, with what to install.
  try {
    await new Promise<void>((spawned, failed) => {
      child.once("spawn", spawned);
      child.once("error", failed);
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "redis-server is not on PATH" : (error as Error).message;
    const message = `${REDIS_SERVER_HINT} (${reason})`;
    process.stderr.write(`\n${message}\n\n`);
    throw new Error(message, { cause: error });
  }
  await waitForPing(port, child);
  project.provide("redisUrl", `redis://127.0.0.1:${port}`);
  return async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  };
}
