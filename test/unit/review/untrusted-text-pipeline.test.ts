import { beforeAll, describe, expect, it } from "vitest";
import { formatReview } from "../../../src/cli/format-review.js";
import { countTokens } from "../../../src/llm/count-tokens.js";
import { extractReviewSection } from "../../../src/config/review-guidelines.js";
import { assembleReview } from "../../../src/review/assemble-review.js";
import { buildReviewPrompt } from "../../../src/review/build-review-prompt.js";
import { buildThreadPrompt } from "../../../src/review/build-thread-prompt.js";
import { parseChunkReview } from "../../../src/review/findings-schema.js";
import { planReview } from "../../../src/review/plan-review.js";
import { renderProse } from "../../../src/review/render-review.js";
import { parseReviewMarker } from "../../../src/review/review-marker.js";
import { mentionsApp, parseCommand } from "../../../src/webhooks/parse-command.js";
import { repeatTo, UNTRUSTED_TEXT_CASES } from "../../support/adversarial-text.js";
import { cpuMs } from "../../support/linear-time.js";

/*
 * Issue 10, defect 4: a megabyte-long line of each worst-case pattern goes through every pure step that
 * reads untrusted text, as the worker and the CLI run them: diff parsing, file filter, classing and
 * chunking (planReview), the review prompt, the model reply's parsing, anchoring and rendering
 * (assembleReview), the thread prompt and answer, command and marker parsing, AGENTS.md, the CLI print.
 */

const MEGABYTE = 1_048_576;
const SETTINGS = { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] };
const SHA = "0123456789abcdef0123456789abcdef01234567";

/** One line (no line break) of each pattern that made some scan backtrack. */
const PATTERNS: Array<[string, string]> = [
  ["`generated` near-misses", repeatTo("generated ", MEGABYTE)],
  ["`<` then blanks", `<${" ".repeat(MEGABYTE)}`],
  ["unclosed `<!--`", repeatTo("<!--", MEGABYTE)],
  ["a backtick run", "`".repeat(MEGABYTE)],
  ["backtick runs of growing length", UNTRUSTED_TEXT_CASES.find((c) => c.name === "model-inline-spans")!.build(MEGABYTE)],
  ["`@@` runs", repeatTo("@@ ", MEGABYTE)],
  ["a blank run", `${" ".repeat(MEGABYTE)}x`],
  ["tabs and blanks", `${" \t".repeat(MEGABYTE / 2)}x`],
  ["mention starts", repeatTo("@a-", MEGABYTE)],
  ["link and image openers", repeatTo("[![", MEGABYTE)],
  ["URL prefixes", repeatTo("(https://", MEGABYTE)],
  ["almost-markers", repeatTo("<!-- codex-review:v1 x", MEGABYTE)],
  ["`.test.` repeats", `${repeatTo(".test.", MEGABYTE)}/x`],
  ["path segments", repeatTo("a/", MEGABYTE)],
  ["a digit run", "1".repeat(MEGABYTE)],
  ["heading marks and blanks", `# ${" ".repeat(MEGABYTE)}`],
  ["a letter run", "a".repeat(MEGABYTE)],
];

/** A real-shaped git diff: the pattern as a comment line, a code line, a hunk section and a file path. */
function hostileDiff(line: string): string {
  const path = `src/${line.replace(/[\s"]/g, "_")}.ts`;
  return [
    "diff --git a/src/a.ts b/src/a.ts",
    "new file mode 100644",
    "index 0000000..1111111",
    "--- /dev/null",
    "+++ b/src/a.ts",
    "@@ -0,0 +1,3 @@",
    `+// ${line}`,
    `+${line}`,
    "+export const ok = true;",
    "diff --git a/src/b.ts b/src/b.ts",
    "index 1111111..2222222 100644",
    "--- a/src/b.ts",
    "+++ b/src/b.ts",
    `@@ -1,2 +1,2 @@ ${line}`,
    " keep();",
    "-old();",
    `+${line}`,
    `diff --git a/${path} b/${path}`,
    "new file mode 100644",
    "--- /dev/null",
    `+++ b/${path}`,
    "@@ -0,0 +1 @@",
    "+x",
  ].join("\n") + "\n";
}

function runPipeline(line: string, diff: string): void {
  const plan = planReview(diff, SETTINGS);
  expect(plan.chunks.length).toBeGreaterThan(0);
  const pr = { owner: "o", repo: "r", number: 1, title: line, body: line, baseRef: line, headRef: "topic" };
  for (const chunk of plan.chunks) buildReviewPrompt(chunk, pr, { extraInstructions: extractReviewSection(`# Code review\n${line}\n# ${line}`) ?? "" });

  const reply = JSON.stringify({
    summary: line,
    comments: [
      { path: "src/a.ts", line: 2, side: "RIGHT", start_line: null, severity: "P1", title: line, body: line, suggestion: line, quote: line },
      { path: line, line: 9, side: "RIGHT", start_line: null, severity: "P2", title: "t", body: "b", suggestion: null, quote: null },
    ],
  });
  const parsed = parseChunkReview(reply);
  expect(parsed.ok).toBe(true);
  const review = parsed.ok ? parsed.review : { summary: "", findings: [] };
  const usage = { inputTokens: 1, outputTokens: 1, usdSpent: 0 };
  const assembled = assembleReview({
    results: [{ chunk: plan.chunks[0]!, ok: true, review, usage }, { chunk: plan.chunks[0]!, ok: false, error: line, usage, retryable: true }],
    plan,
    headSha: SHA,
    jobHash: "job",
    model: "openai/gpt-5-1-codex",
    severityThreshold: "P3",
    maxComments: 25,
  });
  expect(parseReviewMarker(assembled.body)?.headSha).toBe(SHA);
  parseReviewMarker(line);
  formatReview(assembled);

  buildThreadPrompt({ path: "src/a.ts", diffHunk: `@@ -1 +1 @@\n+${line}`, messages: [{ author: "a", fromApp: false, body: line }] });
  renderProse(line); // the thread answer
  parseCommand(`/codex ${line}`, "codex-review");
  mentionsApp(line, "codex-review");
}

describe("a megabyte-long line of each worst-case pattern through the whole pure pipeline", () => {
  const timings: Array<[string, number]> = [];
  // The tokenizer's tables load on a process's first count (once, whatever the input): not the pipeline's work.
  beforeAll(() => void countTokens("warm up"));

  it.each(PATTERNS)("%s", (_label, line) => {
    const diff = hostileDiff(line); // the test's input, not the pipeline's work
    const started = cpuMs();
    runPipeline(line, diff);
    const spent = cpuMs() - started;
    timings.push([_label, spent]);
    // The issue's bound, per pattern. Before the fixes several of these ran for minutes to hours.
    expect(spent).toBeLessThan(1_000);
  });

  it("reports the figures", () => {
    const total = timings.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(
      `whole pipeline, CPU ms per 1 MB pattern line:\n${timings.map(([label, ms]) => `  ${label}: ${ms.toFixed(0)}`).join("\n")}\n  total: ${total.toFixed(0)}`,
    );
    expect(timings).toHaveLength(PATTERNS.length);
  });
});
