/*
 * `npm run bench`: ingest, pipeline, end to end, calls and tokens, memory, in one run; prints one table
 * of figures next to their goals and writes it, with the machine and the details, to docs/benchmarks.md.
 * Everything runs on 127.0.0.1 (own redis-server, local fakes), is bounded in time and stops its processes.
 *   BENCH_QUICK=1 npm run bench            # a smoke run of a minute or two (noisier figures)
 *   BENCH_SECTIONS=ingest,e2e npm run bench  # some sections only (docs/benchmarks.md is then not written)
 *   BENCH_SECTIONS=snapshot npm run bench     # repository snapshots alone (also: npm run bench:snapshot)
 * Other knobs: bench/bench-settings.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { readBenchSettings, type BenchSettings } from "./bench-settings.js";
import { measureEndToEnd, type EndToEndFigures } from "./end-to-end.js";
import { measureIngest, type IngestFigures } from "./ingest.js";
import { formatPipelineFigures, measurePipeline, type PipelineFigures } from "./pipeline.js";
import { measureScopeTokens, scopeTokenRow } from "./scope-tokens.js";
import { measureSnapshots, readSnapshotBenchOptions, snapshotRows } from "./snapshot.js";
import { measureToolTokens, toolTokenRows } from "./tool-tokens.js";
import { callRows, endToEndRows, formatTable, ingestRows, pipelineRows, rssRows, type Row } from "./report-table.js";
import { sleep } from "./support/bench-processes.js";
import { formatNumber as n } from "./support/stats.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const settings = readBenchSettings();
  const started = Date.now();
  const machine = await describeMachine();
  log(`codex-review benchmark${settings.quick ? " (BENCH_QUICK)" : ""}: ${machine.join("; ")}`);
  const rows: Row[] = [];
  const details: string[] = [];

  if (settings.sections.has("ingest")) {
    log(`[1/3] ingest: ${settings.ingest.pairs} pairs of ${settings.ingest.seconds} s runs at ${settings.ingest.connections} in flight`);
    await section(rows, "1 Ingest", async () => {
      const ingest = await measureIngest(settings.ingest, log);
      rows.push(...ingestRows(ingest, settings.ingest.pairs));
      details.push(...ingestDetails(ingest));
    });
  }
  if (settings.sections.has("pipeline")) {
    log(`[2/3] pipeline: scales ${settings.pipeline.scales.join(", ")}`);
    await section(rows, "2 Pipeline", async () => {
      const pipeline = await measurePipeline({ scales: settings.pipeline.scales, ...(settings.pipeline.runs ? { runs: settings.pipeline.runs } : {}), log });
      rows.push(...pipelineRows(pipeline), scopeTokenRow(measureScopeTokens()));
      details.push("## Pipeline", "", "```", formatPipelineFigures(pipeline), "```", "");
    });
  }
  if (settings.sections.has("e2e")) {
    log(`[3/3] end to end: ${settings.e2e.prs} PRs on ${settings.e2e.workers.join("/")} worker(s), model latency ${settings.e2e.modelLatencyMs} ms`);
    await section(rows, "3 End to end", async () => {
      const e2e = await measureEndToEnd(settings.e2e, log);
      rows.push(...endToEndRows(e2e), ...callRows(e2e), ...rssRows(e2e));
      details.push(...endToEndDetails(e2e));
    });
  }

  if (settings.sections.has("snapshot")) {
    const options = readSnapshotBenchOptions(settings.quick);
    log(`[snapshot] repository snapshots: ${options.runs} cold/warm opens, a ${options.bigMb} MB tarball`);
    await section(rows, "6 Snapshots", async () => {
      rows.push(...snapshotRows(await measureSnapshots(options, log)));
    });
  }

  if (settings.sections.has("tools")) {
    log("[tools] input tokens per chunk of an agentic review against a diff-only one (planted-bug scenario)");
    await section(rows, "7 Tools", async () => {
      rows.push(...toolTokenRows(await measureToolTokens()));
    });
  }

  const table = formatTable(rows);
  const minutes = (Date.now() - started) / 60_000;
  console.log(`\n${table}\n`);
  console.log(`${rows.filter((row) => row.verdict === "FAIL").length} of ${rows.filter((row) => row.verdict !== "info").length} goals missed; ${minutes.toFixed(1)} min.`);
  const all = ["ingest", "pipeline", "e2e", "snapshot", "tools"].every((section) => settings.sections.has(section));
  if (all) {
    const file = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
    mkdirSync(fileURLToPath(new URL("../docs/", import.meta.url)), { recursive: true });
    writeFileSync(file, renderDocument(settings, machine, table, details, minutes));
    console.log(`Written to docs/benchmarks.md`);
  }
}

/** Runs one section; a section that breaks becomes a FAIL row with its error, and the others still run. */
async function section(rows: Row[], name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!.slice(0, 160);
    log(`${name} failed: ${(error as Error).stack ?? message}`);
    rows.push({ section: name, measure: "section did not complete", figure: message, goal: "completes", verdict: "FAIL" });
  }
}

async function describeMachine(): Promise<string[]> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const busy = await backgroundLoad();
  return [
    `CPU ${cpu}`,
    `${availableParallelism()} cores`,
    `${n(totalmem() / 2 ** 30, 1)} GiB memory`,
    `node ${process.version}`,
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `load average ${loadavg().map((value) => value.toFixed(2)).join(" ")} at start; other processes busy ${(busy * 100).toFixed(0)}% of all cores over 2 s before the run`,
  ];
}

/** Share of all cores busy over 2 s before anything starts: other work on the machine skews the figures. */
async function backgroundLoad(): Promise<number> {
  const read = () => {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3]! + (fields[4] ?? 0);
    return { idle, total: fields.reduce((total, value) => total + value, 0) };
  };
  try {
    const before = read();
    await sleep(2_000);
    const after = read();
    return 1 - (after.idle - before.idle) / Math.max(1, after.total - before.total);
  } catch {
    return Number.NaN;
  }
}

function ingestDetails(f: IngestFigures): string[] {
  const lines = [
    "## Ingest",
    "",
    "Runs go in rounds of ours, floor, bare (deliveries/s, p50/p99 ms, CPU µs per delivery of the app process / redis-server / load generator):",
    "",
    "```",
  ];
  const describe = (run: IngestFigures["runs"][number]) =>
    `${n(run.deliveriesPerSecond).padStart(6)}/s ${String(run.p50Ms).padStart(3)}/${String(run.p99Ms).padStart(3)} ms cpu ${n(run.cpuUs.app)}/${n(run.cpuUs.redis)}/${n(run.cpuUs.loadgen)} µs`;
  for (const [i, round] of f.rounds.entries()) {
    lines.push(
      `round ${i + 1}: ours ${describe(round.ours)} | floor ${describe(round.floor)} | bare ${describe(round.bare)} | ` +
        `ours/floor ${(round.toFloor.throughput * 100).toFixed(0)}%, p99 ${round.toFloor.p99.toFixed(2)}x; ours/bare ${(round.toBare.throughput * 100).toFixed(0)}%`,
    );
  }
  const allowanceUs = (1 / (0.9 * f.floor.deliveriesPerSecond) - 1 / f.floor.deliveriesPerSecond) * 1e6;
  lines.push(
    "```",
    "",
    `Budget: at the floor app's ${n(f.floor.deliveriesPerSecond)} deliveries/s, 90% of it leaves ${n(allowanceUs)} µs of wall time per delivery ` +
      `for everything we add beyond one queue.add; ours costs ${n(f.ours.cpuUs.app - f.floor.cpuUs.app)} µs more web-process CPU and ` +
      `${n(f.ours.cpuUs.redis - f.floor.cpuUs.redis)} µs more redis-server CPU per delivery than the floor (same 2 cores as the load generator). ` +
      `The floor costs ${n(f.floor.cpuUs.app - f.bare.cpuUs.app)} µs of app CPU beyond the bare app; a raw BullMQ add alone costs ` +
      `${n(f.queueAddCpuUs.client)} µs (client) + ${n(f.queueAddCpuUs.redis)} µs (redis) here.`,
  );
  lines.push(
    "",
    "Redis commands per delivery sent by our web process (INFO commandstats; commands run inside Lua scripts are counted too). " +
      "The web process sends one script (our decision and BullMQ's add) per delivery, one round trip (counted in test/unit/queue/ingest-delivery.test.ts):",
    "",
    "```",
  );
  lines.push(f.redisCommandsPerDelivery.map((entry) => `${entry.command} ${entry.perDelivery.toFixed(2)}`).join(", "));
  lines.push("```", "");
  if (f.profile.length > 0) lines.push("CPU profiles of ours and the floor under the same load (`node --cpu-prof`, self time by package or file):", "", "```", ...f.profile, "```", "");
  return lines;
}

function endToEndDetails(f: EndToEndFigures): string[] {
  const lines = [
    "## End to end",
    "",
    `Deliveries go to one web process (src/web.ts), which enqueues; worker processes (src/worker.ts) review. Each PR is ${f.chunksPerPr} chunks ` +
      `(REVIEW_CHUNK_TOKENS=${f.chunkTokens}, checked by the model call count), WORKER_CONCURRENCY=${f.workerConcurrency}, ` +
      `REVIEW_CHUNK_CONCURRENCY=${f.chunkConcurrency}; the model fake answers after ${n(f.modelLatencyMs)} ms. Ideal = ceil(PRs / (workers x concurrency)) ` +
      `x one model latency (all chunks of a PR at once). Each PR is in its own installation. The timed run starts after a warm-up ` +
      "round of one review per worker slot (fresh processes pay one-off costs a long-running deployment does not: JIT, first " +
      "connections, Redis loading scripts); that round's time is in the CPU table below.",
    "",
    "Median per-review timeline (job start = its first GitHub request):",
    "",
    "```",
    "workers  before model  model  model->review post  review post->check done  service  model calls",
  ];
  for (const run of f.runs) {
    const p = run.phases;
    lines.push(
      `${String(run.workers).padStart(7)}  ${n(p.beforeModelMs).padStart(9)} ms  ${n(p.modelMs).padStart(5)}  ${n(p.toReviewMs).padStart(15)} ms  ${n(p.afterReviewMs).padStart(20)} ms  ${n(p.serviceMs).padStart(4)} ms  ${run.modelCalls}`,
    );
  }
  lines.push("```", "", "CPU per review over the timed run, ms (the fakes run in the benchmark's own process), and the warm-up round:", "", "```");
  // Closed by the paragraph below.
  lines.push("workers  workers  web  redis  fakes  cores busy  warm-up round");
  for (const run of f.runs) {
    const c = run.cpuPerReviewMs;
    lines.push(
      `${String(run.workers).padStart(7)}  ${n(c.workers).padStart(7)}  ${n(c.web).padStart(3)}  ${n(c.redis).padStart(5)}  ${n(c.bench).padStart(5)}  ${run.coresBusy.toFixed(2).padStart(10)}  ${run.warmupS === null ? "-" : `${run.warmupS.toFixed(2)} s`}`,
    );
  }
  const p = f.runs[0]?.phases;
  if (p) {
    lines.push(
      "```",
      "",
      `Where a review's time goes (1 worker): ${n(p.serviceMs)} ms of service for ${n(p.modelMs)} ms of model time; ${n(p.beforeModelMs)} ms before ` +
        `the first model call and ${n(p.afterReviewMs)} ms between posting the review and completing the check run (done by a follow-up ` +
        "job: the review's worker slot is free meanwhile). Octokit's throttling plugin runs every write (GraphQL mutations included; " +
        "read-only GraphQL goes around it) of one installation at least 1 s after the previous one, so each pair of writes in a job's " +
        "critical path costs about a second, whatever the model latency: a first review has two (create the check run, post the review).",
    );
  } else {
    lines.push("```");
  }
  lines.push("", "GitHub requests per review by route (1-worker run):", "", "```");
  for (const route of f.calls.routes) lines.push(`${route.perReview.toFixed(2).padStart(5)}  ${route.route}`);
  lines.push("```", "");
  if (f.single && f.double) {
    lines.push(
      `One installation: min gap between two review posts ${n(f.single.minSameInstallationGapMs ?? Number.NaN)} ms. ` +
        `Two installations: min gap between posts of different installations ${n(f.double.minCrossInstallationGapMs ?? Number.NaN)} ms ` +
        `(a throttle shared across installations would keep every pair >= 3,000 ms).`,
      "",
    );
  }
  const o = f.overhead;
  lines.push(
    `Prompt overhead at the default 12,000-token budget: ${n(o.chunks)} chunks, ${n(o.diffTokens)} diff tokens, ${n(o.instructionTokens)} instruction + ` +
      `${n(o.contextTokens)} PR-context tokens (${(o.share * 100).toFixed(1)}%); the JSON schema adds ${n(o.schemaTokens)} ` +
      `(${(o.shareWithSchema * 100).toFixed(1)}%). The smallest (last) chunk alone: ${(o.lastChunkShare * 100).toFixed(1)}%.`,
    "",
  );
  return lines;
}

function renderDocument(settings: BenchSettings, machine: string[], table: string, details: string[], minutes: number): string {
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); every figure below is from that one run. Loads stay on 127.0.0.1 against a",
    "private redis-server and the local fakes of GitHub and the AI/ML API.",
    "",
    ...machine.map((line) => `- ${line}`),
    `- ${settings.quick ? "BENCH_QUICK=1 (short runs, noisier)" : "full run"}; took ${minutes.toFixed(1)} min`,
    "",
    "```",
    table,
    "```",
    "",
    ...details,
  ].join("\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
