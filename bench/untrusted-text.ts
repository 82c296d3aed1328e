/*
 * `npx tsx bench/untrusted-text.ts`: worst-case time of every text scan that sees untrusted input (diff
 * lines, paths, PR text, comments, model output, AGENTS.md, review bodies) on adversarial inputs of growing
 * size, up to one 1 MB line. Each measurement runs in its own process with a time limit, so a
 * catastrophic pattern shows up as "timeout" instead of hanging the run. Prints a Markdown table: the time
 * at the largest size measured and, when 1 MB was not reached, an estimate from the growth between the
 * last two sizes.
 *   npx tsx bench/untrusted-text.ts [case-name...]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UNTRUSTED_TEXT_CASES } from "../test/support/adversarial-text.js";

const SIZES = [1_000, 4_000, 16_000, 64_000, 256_000, 1_048_576];
const LIMIT_MS = 4_000;

function measureOnce(name: string, size: number): number | null {
  try {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--run", name, String(size)], {
      timeout: LIMIT_MS + 3_000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return Number(out.trim());
  } catch {
    return null;
  }
}

function runCase(name: string, size: number): void {
  const testCase = UNTRUSTED_TEXT_CASES.find((entry) => entry.name === name)!;
  const input = testCase.build(size);
  const started = performance.now();
  testCase.run(input);
  process.stdout.write(`${(performance.now() - started).toFixed(2)}\n`);
}

function main(): void {
  const wanted = new Set(process.argv.slice(2));
  const rows = ["| case | input | largest size measured | time there | 1 MB (measured or estimated) |", "| --- | --- | --- | --- | --- |"];
  for (const testCase of UNTRUSTED_TEXT_CASES) {
    if (wanted.size > 0 && !wanted.has(testCase.name)) continue;
    let last: { size: number; ms: number } | null = null;
    let previous: { size: number; ms: number } | null = null;
    let timedOutAt: number | null = null;
    for (const size of SIZES) {
      const ms = measureOnce(testCase.name, size);
      if (ms === null || ms > LIMIT_MS) {
        timedOutAt = size;
        break;
      }
      previous = last;
      last = { size, ms };
    }
    const megabyte = SIZES.at(-1)!;
    let atMegabyte: string;
    if (last?.size === megabyte) atMegabyte = `${last.ms.toFixed(1)} ms (measured)`;
    else if (last && previous && last.ms > 1) {
      const exponent = Math.log(last.ms / Math.max(previous.ms, 0.01)) / Math.log(last.size / previous.size);
      atMegabyte = `~${formatSeconds(last.ms * (megabyte / last.size) ** exponent)} (x^${exponent.toFixed(1)})`;
    } else atMegabyte = "n/a";
    const lastText = last ? `${last.size.toLocaleString("en-US")} chars` : "none";
    const timeText = last ? `${last.ms.toFixed(1)} ms${timedOutAt ? ` (${timedOutAt.toLocaleString("en-US")}: >${LIMIT_MS / 1000} s)` : ""}` : `>${LIMIT_MS / 1000} s`;
    rows.push(`| ${testCase.name} | ${testCase.input} | ${lastText} | ${timeText} | ${atMegabyte} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  process.stdout.write(`${rows.join("\n")}\n`);
}

function formatSeconds(ms: number): string {
  if (ms < 1_000) return `${ms.toFixed(0)} ms`;
  if (ms < 3_600_000) return `${(ms / 1000).toFixed(0)} s`;
  return `${(ms / 3_600_000).toFixed(0)} h`;
}

if (process.argv[2] === "--run") runCase(process.argv[3]!, Number(process.argv[4]));
else main();
