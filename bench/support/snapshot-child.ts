/*
 * One snapshot open in a process of its own, so its peak RSS is the download's and nothing else's:
 * opens owner/repo@sha from the GitHub fake at BENCH_GITHUB_URL into BENCH_CACHE_DIR, reads one file,
 * and prints `{ ms, firstReadMs, baselineRssMb, peakRssMb, bytes }` as JSON on stdout.
 */
import { Octokit } from "@octokit/rest";
import pino from "pino";
import type { GithubClient } from "../../src/github/github-client.js";
import { createSnapshotCache } from "../../src/repository/snapshot-cache.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const github = new Octokit({ baseUrl: env("BENCH_GITHUB_URL"), auth: env("BENCH_GITHUB_TOKEN") }) as unknown as GithubClient;
  const cache = createSnapshotCache({ dir: env("BENCH_CACHE_DIR"), maxBytes: 4 * 1024 ** 3, snapshotMaxBytes: 1024 ** 3, log: pino({ level: "silent" }) });
  // maxRSS is the process's high-water mark (KiB): read before, it is what node, tsx and the modules take.
  const baselineRssMb = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  const reader = await cache.open(github, { owner: env("BENCH_OWNER"), repo: env("BENCH_REPO"), headSha: env("BENCH_SHA"), baseSha: env("BENCH_SHA"), sizeKb: null });
  const opened = performance.now();
  const read = await reader.readFile(env("BENCH_READ_PATH"), "head");
  const firstReadMs = performance.now() - started;
  await reader.close?.();
  cache.stop();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms: opened - started, firstReadMs, baselineRssMb, peakRssMb, read: read.kind })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
