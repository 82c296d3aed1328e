import type { EndToEndFigures } from "./end-to-end.js";
import type { IngestFigures } from "./ingest.js";
import type { PipelineFigures } from "./pipeline.js";
import { formatNumber as n, formatPercent as pct } from "./support/stats.js";

export type Verdict = "pass" | "FAIL" | "info";

export interface Row {
  section: string;
  measure: string;
  figure: string;
  goal: string;
  verdict: Verdict;
}

const check = (ok: boolean): Verdict => (ok ? "pass" : "FAIL");

export function ingestRows(f: IngestFigures, rounds: number): Row[] {
  const section = "1 Ingest";
  const ms = (side: IngestFigures["ours"]) => `${n(side.p50Ms)}/${n(side.p99Ms)}`;
  return [
    { section, measure: `ours (src/web.ts), deliveries/s, median of ${rounds} runs`, figure: `${n(f.ours.deliveriesPerSecond)}/s`, goal: "", verdict: "info" },
    { section, measure: "floor (Probot + one BullMQ queue.add), deliveries/s", figure: `${n(f.floor.deliveriesPerSecond)}/s`, goal: "", verdict: "info" },
    { section, measure: "bare Probot (no-op handler), deliveries/s", figure: `${n(f.bare.deliveriesPerSecond)}/s`, goal: "", verdict: "info" },
    { section, measure: "throughput ours/floor, median of rounds (ours/bare)", figure: `${pct(f.toFloor.throughput)} (${pct(f.toBare.throughput)})`, goal: ">= 90% of floor", verdict: check(f.toFloor.throughput >= 0.9) },
    { section, measure: "p50/p99 latency ours | floor | bare", figure: `${ms(f.ours)} | ${ms(f.floor)} | ${ms(f.bare)} ms`, goal: "", verdict: "info" },
    { section, measure: "p99 ours/floor, median of rounds (ours/bare)", figure: `${f.toFloor.p99.toFixed(2)}x (${f.toBare.p99.toFixed(2)}x)`, goal: "<= 1.25x floor", verdict: check(f.toFloor.p99 <= 1.25) },
    { section, measure: "errors (socket errors + non-2xx), all runs", figure: n(f.errors), goal: "0", verdict: check(f.errors === 0) },
    {
      section,
      measure: "CPU per delivery ours: web / redis",
      figure: `${n(f.ours.cpuUs.app)} / ${n(f.ours.cpuUs.redis)} µs`,
      goal: `floor: ${n(f.floor.cpuUs.app)} / ${n(f.floor.cpuUs.redis)}; bare: ${n(f.bare.cpuUs.app)}`,
      verdict: "info",
    },
    {
      section,
      measure: "Redis commands per delivery, ours: sent (with those run inside Lua)",
      figure: `${n(sent(f), 1)} (${n(f.redisCommandsPerDelivery.reduce((t, c) => t + c.perDelivery, 0), 1)})`,
      goal: "1 round trip (test/unit/queue/ingest-delivery.test.ts)",
      verdict: "info",
    },
    {
      section,
      measure: "raw BullMQ queue.add, same Redis, 32 in flight (CPU per add: client / redis)",
      figure: `${n(f.queueAddPerSecond)}/s (${n(f.queueAddCpuUs.client)} / ${n(f.queueAddCpuUs.redis)} µs)`,
      goal: "",
      verdict: "info",
    },
  ];
}

/** Commands our web process sends itself: one script per delivery (the rest run inside Lua). */
const sent = (f: IngestFigures) =>
  f.redisCommandsPerDelivery.filter((c) => ["multi", "exec", "eval", "evalsha"].includes(c.command)).reduce((t, c) => t + c.perDelivery, 0);

export function pipelineRows(f: PipelineFigures): Row[] {
  const section = "2 Pipeline";
  const rows: Row[] = f.sizes.map((size) => ({
    section,
    measure: `parse+filter+chunk+anchor, ${size.scale}x (${n(size.files)} files, ${n(size.changedLines)} changed lines)`,
    figure: `${n(size.medianMs)} ms (${n(size.usPerChangedLine, 2)} µs/line)`,
    goal: "",
    verdict: "info" as const,
  }));
  const [small, ...rest] = [...f.sizes].sort((a, b) => a.scale - b.scale);
  const largest = rest.at(-1);
  const middle = rest.length > 1 ? rest.at(-2)! : small!;
  if (largest && middle) {
    const factor = largest.scale / middle.scale;
    const growth = largest.medianMs / middle.medianMs;
    rows.push({
      section,
      measure: `growth: time(${largest.scale}x) / time(${middle.scale}x)`,
      figure: growth.toFixed(2),
      goal: `linear: <= ${(factor * 1.3).toFixed(1)} (${factor}x +30%)`,
      verdict: check(growth <= factor * 1.3),
    });
  }
  return rows;
}

export function endToEndRows(f: EndToEndFigures): Row[] {
  const section = "3 End to end";
  const rows: Row[] = f.runs.map((run) => ({
    section,
    measure: `${run.prs} PRs x ${f.chunksPerPr} chunks, ${run.workers} worker(s) x ${f.workerConcurrency}: reviews/min (ideal)`,
    figure: `${n(run.reviewsPerMinute, 1)} (${n(run.idealReviewsPerMinute, 1)}) = ${pct(run.efficiency)}`,
    goal: ">= 90% of ideal",
    verdict: check(run.efficiency >= 0.9 && run.modelCalls === run.prs * f.chunksPerPr && run.failedDeliveries === 0 && run.unexpected === 0),
  }));
  if (f.scaling) {
    rows.push({
      section,
      measure: `scaling: ${f.scaling.workers} workers / 1 worker (ideal for this batch)`,
      figure: `${f.scaling.speedup.toFixed(2)}x (${f.scaling.idealSpeedup.toFixed(2)}x)`,
      // The 3.5x for 4 workers, scaled for other counts (87.5% of linear).
      goal: `>= ${(0.875 * f.scaling.workers).toFixed(2)}x`,
      verdict: check(f.scaling.speedup >= 0.875 * f.scaling.workers),
    });
  }
  if (f.single) {
    const rate = f.single.perInstallation[0] ?? Number.NaN;
    rows.push({
      section,
      measure: `ONE installation, ${f.single.prs} PRs: reviews/min (ceiling ~20)`,
      figure: n(rate, 1),
      goal: ">= 18 (90%)",
      verdict: check(rate >= 18),
    });
  }
  if (f.double && f.single) {
    const single = f.single.perInstallation[0] ?? Number.NaN;
    const combined = f.double.perInstallation.reduce((total, rate) => total + rate, 0);
    rows.push({
      section,
      measure: "TWO installations: reviews/min each, together",
      figure: `${f.double.perInstallation.map((rate) => n(rate, 1)).join(" + ")} = ${n(combined, 1)} (${(combined / single).toFixed(2)}x one)`,
      goal: "concurrent: >= 1.8x one",
      verdict: check(combined >= 1.8 * single),
    });
  }
  return rows;
}

export function callRows(f: EndToEndFigures): Row[] {
  const section = "4 Calls/tokens";
  return [
    {
      section,
      measure: "GitHub requests per first review (+ token exchange)",
      figure: `${n(f.calls.withoutToken, 1)} (+${n(f.calls.perReview - f.calls.withoutToken, 1)})`,
      goal: "<= 6",
      verdict: check(f.calls.withoutToken <= 6),
    },
    {
      section,
      measure: "of which through the write limiter (POST/PATCH, GraphQL mutations)",
      figure: n(f.calls.writesPerReview, 1),
      goal: "<= 3 (20/min)",
      verdict: check(f.calls.writesPerReview <= 3),
    },
    {
      section,
      measure: `prompt overhead at 12,000-token chunks (${f.overhead.chunks} chunks)`,
      figure: `${pct(f.overhead.share, 1)} (${pct(f.overhead.shareWithSchema, 1)} with schema)`,
      goal: "<= 15%",
      verdict: check(f.overhead.share <= 0.15),
    },
  ];
}

export function rssRows(f: EndToEndFigures): Row[] {
  return [
    { section: "5 Memory", measure: "RSS of a worker at start (ready, no job yet), largest of all runs", figure: `${n(f.startWorkerRssMb)} MB`, goal: "< 250 MB", verdict: check(f.startWorkerRssMb < 250) },
    { section: "5 Memory", measure: "peak RSS of a worker (VmHWM), all end-to-end runs", figure: `${n(f.peakWorkerRssMb)} MB`, goal: "< 300 MB", verdict: check(f.peakWorkerRssMb < 300) },
  ];
}

export function formatTable(rows: Row[]): string {
  const header: Row = { section: "section", measure: "measure", figure: "figure", goal: "goal", verdict: "info" };
  const cells = [header, ...rows].map((row, i) => [row.section, row.measure, row.figure, row.goal, i === 0 ? "result" : row.verdict === "info" ? "" : row.verdict]);
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("-|-");
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join("\n");
}
