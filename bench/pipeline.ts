/*
 * How the review pipeline's pure core scales: parse + filter + prioritise + chunk + anchor map
 * (planReview, no caps, so every file is chunked) plus anchorFindings, on synthetic diffs of 0.1x, 1x
 * and 10x the 3,000 files / 100,000 changed lines. Every run is a fresh process, so peak RSS is
 * the run's own and no tokenizer cache is warm; the median of the runs is reported. Also prints the
 * chunk fill ratio and the invalid-anchor count on the real-diff fixture corpus.
 *
 *   npm run bench:pipeline                 # all of it
 *   npm run bench:pipeline -- --runs 3     # fewer runs per size
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildAnchorMap } from "../src/diff/anchor-map.js";
import { parseUnifiedDiff } from "../src/diff/parse-unified-diff.js";
import type { FileDiff } from "../src/diff/types.js";
import { countTokens } from "../src/llm/count-tokens.js";
import { anchorFindings } from "../src/review/anchor-findings.js";
import { chunkDiff } from "../src/review/chunk-diff.js";
import { planReview } from "../src/review/plan-review.js";
import { renderFiles } from "../src/review/render-hunk.js";
import type { Finding } from "../src/review/types.js";
import { findInvalidAnchors, generateFindings, loadDiffCorpus } from "../test/support/anchor-corpus.js";
import { seededRandom } from "../test/support/seeded-random.js";
import { buildSyntheticDiff } from "./synthetic-diff.js";

/** The reference size; scales multiply both numbers. */
const BASE = { files: 3_000, changedLines: 100_000 };
const CHUNK_TOKENS = 12_000;
/** No caps: the benchmark measures the whole diff going through, the worst case for a worker. */
const UNCAPPED = { chunkTokens: CHUNK_TOKENS, maxFiles: Infinity, maxChunks: Infinity, maxInputTokens: Infinity, exclude: [] as string[] };
/** One finding per this many changed lines, with quotes and off-by-some line numbers. */
const LINES_PER_FINDING = 100;

export interface SizeFigures {
  scale: number;
  files: number;
  changedLines: number;
  diffLines: number;
  diffMb: number;
  chunks: number;
  findings: number;
  runs: number;
  /** planReview + anchorFindings, median over runs. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Of which planReview (parse, filter, prioritise, chunk, anchor map), median. */
  planMs: number;
  /** Of which anchorFindings, median. */
  anchorMs: number;
  /** Peak resident set of the run's process (VmHWM), median over runs. */
  peakRssMb: number;
  /** Resident set once modules are loaded and the diff is read, before the pipeline runs. */
  baseRssMb: number;
  /** medianMs per changed line, in microseconds. */
  usPerChangedLine: number;
}

export interface PipelineFigures {
  node: string;
  cpus: number;
  sizes: SizeFigures[];
  /** time(10x) / time(1x); linear growth makes it about 10. */
  growth10x: number | null;
  /** Mean fill of all chunks but the last, on the fixture corpus, per budget. */
  fill: Array<{ budget: number; chunks: number; meanFill: number }>;
  anchors: { findings: number; comments: number; invalid: number };
}

interface ChildResult {
  planMs: number;
  anchorMs: number;
  peakRssMb: number;
  baseRssMb: number;
  chunks: number;
  findings: number;
}

export async function measurePipeline(options: { scales?: number[]; runs?: number; log?: (line: string) => void } = {}): Promise<PipelineFigures> {
  const scales = options.scales ?? [0.1, 1, 10];
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "codex-review-bench-"));
  const sizes: SizeFigures[] = [];
  try {
    for (const scale of scales) {
      const runs = options.runs ?? (scale >= 10 ? 3 : 5);
      const diff = buildSyntheticDiff({ files: Math.round(BASE.files * scale), changedLines: Math.round(BASE.changedLines * scale), seed: 42 });
      const file = join(dir, `diff-${scale}.diff`);
      writeFileSync(file, diff.text);
      const results: ChildResult[] = [];
      for (let run = 0; run < runs; run++) {
        results.push(await runChild(file));
        log(`  ${scale}x run ${run + 1}/${runs}: ${(results.at(-1)!.planMs + results.at(-1)!.anchorMs).toFixed(0)} ms`);
      }
      const totals = results.map((result) => result.planMs + result.anchorMs);
      const medianMs = median(totals);
      sizes.push({
        scale,
        files: diff.files,
        changedLines: diff.changedLines,
        diffLines: diff.lines,
        diffMb: diff.text.length / 1e6,
        chunks: results[0]!.chunks,
        findings: results[0]!.findings,
        runs,
        medianMs,
        minMs: Math.min(...totals),
        maxMs: Math.max(...totals),
        planMs: median(results.map((result) => result.planMs)),
        anchorMs: median(results.map((result) => result.anchorMs)),
        peakRssMb: median(results.map((result) => result.peakRssMb)),
        baseRssMb: median(results.map((result) => result.baseRssMb)),
        usPerChangedLine: (medianMs * 1_000) / diff.changedLines,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const one = sizes.find((size) => size.scale === 1);
  const ten = sizes.find((size) => size.scale === 10);
  return {
    node: process.version,
    cpus: availableParallelism(),
    sizes,
    growth10x: one && ten ? ten.medianMs / one.medianMs : null,
    fill: measureFill([2_000, 4_000, 8_000, 12_000]),
    anchors: countCorpusInvalidAnchors(),
  };
}

function runChild(diffFile: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", diffFile], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`benchmark child exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as ChildResult);
    });
  });
}

/** One cold run in this process: what a worker does with one huge PR. */
function childRun(diffFile: string): ChildResult {
  const text = readFileSync(diffFile, "utf8");
  const baseRssMb = residentMb("VmRSS");
  const started = performance.now();
  const plan = planReview(text, UNCAPPED);
  const planned = performance.now();
  const findings = sparseFindings(plan.files);
  const anchoring = performance.now();
  anchorFindings(findings, plan.anchors);
  const done = performance.now();
  return { planMs: planned - started, anchorMs: done - anchoring, peakRssMb: residentMb("VmHWM"), baseRssMb, chunks: plan.chunks.length, findings: findings.length };
}

/** Findings on every LINES_PER_FINDING-th changed line, cited up to 3 lines off, half with a quote. */
function sparseFindings(files: readonly FileDiff[]): Finding[] {
  const random = seededRandom(7);
  const findings: Finding[] = [];
  let changed = 0;
  for (const file of files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.kind === "context" || ++changed % LINES_PER_FINDING !== 0) continue;
        const side = line.kind === "add" ? "RIGHT" : "LEFT";
        const number = (line.kind === "add" ? line.newLine : line.oldLine)!;
        findings.push({
          path: file.path,
          line: Math.max(1, number + Math.floor(random() * 7) - 3),
          side,
          startLine: random() < 0.3 ? Math.max(1, number - 4) : null,
          severity: "P2",
          title: `Finding ${changed}`,
          body: "Benchmark finding.",
          suggestion: random() < 0.3 ? "fixed();" : null,
          quote: random() < 0.5 ? line.content : null,
        });
      }
    }
  }
  return findings;
}

/** Mean fill of all chunks but the last, by a real count of each chunk's rendered text, on the fixture corpus as one PR. */
function measureFill(budgets: number[]): PipelineFigures["fill"] {
  const corpus: FileDiff[] = loadDiffCorpus().flatMap(({ name, text }) => parseUnifiedDiff(text).map((file) => ({ ...file, path: `${name}/${file.path}` })));
  return budgets.map((budget) => {
    const { chunks } = chunkDiff(corpus, { budgetTokens: budget });
    const body = chunks.slice(0, -1);
    const meanFill = body.reduce((sum, chunk) => sum + countTokens(renderFiles(chunk.files)) / budget, 0) / Math.max(1, body.length);
    return { budget, chunks: chunks.length, meanFill };
  });
}

/** anchorFindings over the whole corpus (4 sloppy findings per diff line), checked by the GitHub fake's own validator. */
function countCorpusInvalidAnchors(): PipelineFigures["anchors"] {
  let findings = 0;
  let comments = 0;
  let invalid = 0;
  loadDiffCorpus().forEach(({ text }, i) => {
    const files = parseUnifiedDiff(text);
    const generated = generateFindings(files, seededRandom(1_000 + i));
    const anchored = anchorFindings(generated, buildAnchorMap(files)).comments.map((entry) => entry.comment);
    findings += generated.length;
    comments += anchored.length;
    invalid += findInvalidAnchors(text, anchored).length;
  });
  return { findings, comments, invalid };
}

function residentMb(field: "VmHWM" | "VmRSS"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1_024;
  } catch {
    // not Linux
  }
  return field === "VmHWM" ? process.resourceUsage().maxRSS / 1_024 : process.memoryUsage().rss / 1_048_576;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function formatPipelineFigures(figures: PipelineFigures): string {
  const n = (value: number, digits = 0) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const rows = [
    ["size", "files", "changed lines", "diff lines", "diff MB", "chunks", "findings", "time (median)", "min..max", "plan / anchor", "peak RSS", "per changed line"],
    ...figures.sizes.map((size) => [
      `${size.scale}x`,
      n(size.files),
      n(size.changedLines),
      n(size.diffLines),
      n(size.diffMb, 1),
      n(size.chunks),
      n(size.findings),
      `${n(size.medianMs)} ms`,
      `${n(size.minMs)}..${n(size.maxMs)} ms`,
      `${n(size.planMs)} / ${n(size.anchorMs)} ms`,
      `${n(size.peakRssMb)} MB`,
      `${n(size.usPerChangedLine, 2)} µs`,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  "));
  const runs = [...new Set(figures.sizes.map((size) => size.runs))].join("/");
  const lines = [
    `Pipeline: parse + filter + prioritise + chunk (${n(CHUNK_TOKENS)}-token chunks) + anchor map, no caps (planReview), then anchorFindings`,
    `node ${figures.node}, ${figures.cpus} CPUs; each run a fresh process; median of ${runs} runs per size`,
    "",
    ...table,
    "",
  ];
  if (figures.growth10x !== null) lines.push(`time(10x) / time(1x) = ${figures.growth10x.toFixed(2)} (linear = 10)`);
  const base = figures.sizes.map((size) => `${size.scale}x ${n(size.baseRssMb)} MB`).join(", ");
  lines.push(`RSS before the pipeline (node + modules + diff text): ${base}`);
  lines.push("", "Chunk fill on the real-diff fixture corpus (mean of all chunks but the last, exact token count):");
  for (const fill of figures.fill) lines.push(`  budget ${n(fill.budget).padStart(6)}: ${String(fill.chunks).padStart(3)} chunks, mean fill ${(fill.meanFill * 100).toFixed(1)}%`);
  const { findings, comments, invalid } = figures.anchors;
  lines.push("", `invalid anchors: ${invalid} (of ${n(comments)} comments anchored from ${n(findings)} generated findings over the corpus; checked by the GitHub fake's validator)`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    process.stdout.write(`${JSON.stringify(childRun(args[1]!))}\n`);
    return;
  }
  const runsAt = args.indexOf("--runs");
  const scalesAt = args.indexOf("--scales");
  const figures = await measurePipeline({
    ...(runsAt >= 0 ? { runs: Number(args[runsAt + 1]) } : {}),
    ...(scalesAt >= 0 ? { scales: args[scalesAt + 1]!.split(",").map(Number) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(formatPipelineFigures(figures));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
