/**
 * What an installation's Octokit adds to each GitHub request before it leaves the process, against a
 * local server that answers at once: Probot's Octokit as Probot builds it with a Redis URL (throttling
 * clustered through Redis, plugin-retry) beside ours (src/process/installation-octokit.ts), and a bare
 * `@octokit/request` as the floor. Sequential requests, so each one's latency is the client's own turns.
 *
 *   npx tsx bench/octokit-overhead.ts          (BENCH_OCTOKIT_REQUESTS, default 500 per client and round)
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request as bareRequest } from "@octokit/request";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { InstallationOctokit } from "../src/process/installation-octokit.js";
import { generateAppPrivateKey } from "../test/support/app-process.js";
import { startBenchRedis } from "./support/bench-redis.js";
import { median } from "./support/stats.js";

type Send = (route: string, parameters: Record<string, unknown>) => Promise<unknown>;

const REQUESTS = Number(process.env.BENCH_OCTOKIT_REQUESTS ?? 500);
const READ = "GET /repos/{owner}/{repo}/pulls/{pull_number}";
const WRITE = "POST /repos/{owner}/{repo}/check-runs";

async function main(): Promise<void> {
  const server = createServer((request, response) => {
    const exchange = request.url?.endsWith("/access_tokens") ?? false;
    response.writeHead(exchange ? 201 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify(exchange ? { token: "ghs_bench", expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" } : { id: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  const redis = await startBenchRedis();
  const privateKey = generateAppPrivateKey();
  const probotClient = async (Octokit: typeof ProbotOctokit, installation: number): Promise<Send> => {
    const probot = new Probot({ appId: 1, privateKey, baseUrl, redisConfig: redis.url, Octokit, log: pino({ level: "silent" }) });
    const octokit = await probot.auth(installation);
    return (route, parameters) => octokit.request(route, parameters);
  };
  const clients: Array<[string, Send]> = [
    ["Probot's Octokit (clustered throttling, plugin-retry)", await probotClient(ProbotOctokit, 1)],
    ["ours (src/process/installation-octokit.ts)", await probotClient(InstallationOctokit, 2)],
    ["bare @octokit/request", (route, parameters) => bareRequest(route, { baseUrl, headers: { authorization: "token ghs_bench" }, ...parameters })],
  ];
  const params = { owner: "o", repo: "r", pull_number: 1 };
  console.log(`Octokit overhead per request: ${REQUESTS} sequential GETs per client and round, 3 rounds; node ${process.version}`);
  const results = new Map<string, { latency: number[]; cpu: number[]; write: number[] }>();
  for (let round = 0; round < 3; round++) {
    for (const [name, send] of clients) {
      for (let i = 0; i < 50; i++) await send(READ, params); // warm
      const latencies: number[] = [];
      const cpuStart = process.cpuUsage();
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        await send(READ, params);
        latencies.push(performance.now() - started);
      }
      const cpu = process.cpuUsage(cpuStart);
      // One write: its spacing group's turn (the first write of an installation waits for nothing).
      const writeStarted = performance.now();
      await send(WRITE, { owner: "o", repo: `r${round}`, name: "bench", head_sha: "a".repeat(40) });
      const entry = results.get(name) ?? { latency: [], cpu: [], write: [] };
      entry.latency.push(median(latencies));
      entry.cpu.push((cpu.user + cpu.system) / REQUESTS);
      entry.write.push(performance.now() - writeStarted);
      results.set(name, entry);
    }
  }
  console.log("client                                                 | GET latency, median of round medians | CPU per GET (this process) | a first write");
  for (const [name, entry] of results) {
    console.log(`${name.padEnd(54)} | ${median(entry.latency).toFixed(2).padStart(8)} ms | ${median(entry.cpu).toFixed(0).padStart(6)} µs | ${median(entry.write).toFixed(1).padStart(6)} ms`);
  }
  await redis.stop();
  server.close();
}

await main();
// Probot keeps its Redis clients open: nothing else is left to do.
process.exit(0);
