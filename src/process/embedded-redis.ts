import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import type { Logger } from "pino";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.js";

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

export const REDIS_MISSING_MESSAGE =
  "REDIS_URL is not set and no redis-server is on PATH. Install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`, " +
  "macOS: `brew install redis`) or point REDIS_URL at a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379.";

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts a private redis-server for a one-machine install: loopback only, data under `dataDir`. */
export async function startEmbeddedRedis(dataDir: string, log: Logger): Promise<EmbeddedRedis> {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error) throw new Error(REDIS_MISSING_MESSAGE);
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = lockDataDir(dir);
  try {
    return await spawnRedisOnFreePort(dir, lock, log);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * The port found free can be taken by another process before redis-server binds it (another app, a
 * parallel test): a start that fails for that reason alone is tried again on a new port, twice at most.
 */
async function spawnRedisOnFreePort(dir: string, lock: DataDirLock, log: Logger): Promise<EmbeddedRedis> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnRedis(dir, lock, log);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/i.test((error as Error).message)) throw error;
      log.warn({ attempt }, "The embedded redis-server's port was taken before it could bind it; trying another");
    }
  }
}

async function spawnRedis(dir: string, lock: DataDirLock, log: Logger): Promise<EmbeddedRedis> {
  const port = await findFreePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((ready, fail) => {
    let output = "";
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes("Ready to accept connections")) ready();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => fail(new Error(`redis-server exited with code ${code}: ${output.slice(-500)}`)));
  });
  if (child.pid !== undefined) lock.recordRedis(child.pid);
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  // Whatever ends this process (a failed start's process.exit, a crash), Redis is not left behind
  // holding the data folder; SIGTERM lets it finish its append-only file on its own.
  const stopOnExit = () => child.kill("SIGTERM");
  process.once("exit", stopOnExit);
  child.once("exit", () => {
    process.removeListener("exit", stopOnExit);
    lock.release();
  });
  log.info({ port, dataDir: dir }, "Started embedded redis-server");
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((stopped) => {
        if (child.exitCode !== null || child.signalCode !== null) return stopped();
        child.once("exit", () => stopped());
        child.kill("SIGTERM");
      }),
  };
}
