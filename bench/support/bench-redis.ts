import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../../test/support/app-process.js";
import { sleep, spawnRedis, type BenchProcess } from "./bench-processes.js";

export interface BenchRedis {
  url: string;
  process: BenchProcess;
  /** A client of the benchmark's own (stats, flushes). */
  client: Redis;
  /** Total calls per command name since start, from INFO commandstats. */
  commandCalls(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** A private redis-server on a free 127.0.0.1 port, like test/global-setup.ts starts for the tests. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "codex-review-bench-redis-"));
  const server = spawnRedis(port, dir);
  const deadline = Date.now() + 10_000;
  let client: Redis | null = null;
  while (!client) {
    if (server.child.exitCode !== null) throw new Error(`redis-server exited with ${server.child.exitCode} (is it installed?)`);
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined); // refused until redis-server listens
    try {
      await probe.connect();
      await probe.ping();
      client = probe;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error("redis-server did not answer PING within 10 s");
      await sleep(50);
    }
  }
  const connected = client;
  return {
    url: `redis://127.0.0.1:${port}`,
    process: server,
    client: connected,
    async commandCalls() {
      const info = await connected.info("commandstats");
      const calls = new Map<string, number>();
      for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
      return calls;
    },
    async stop() {
      connected.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
