/*
 * What scope widening adds to each chunk's input: real diffs (this repository's own recent commits
 * under src/, `git diff -M C^ C`), each planned as the worker plans it (REVIEW_CHUNK_TOKENS 12,000,
 * REVIEW_CONTEXT_LINES 80) with and without the files' text at C, and the tokens of the S lines counted
 * per chunk. Pure computation on local git data: no model, no network.
 *
 *   npx tsx bench/scope-tokens.ts [commits]     # default 40 commits
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseUnifiedDiff } from "../src/diff/parse-unified-diff.js";
import { countTokens } from "../src/llm/count-tokens.js";
import { planReview } from "../src/review/plan-review.js";
import { renderScopeLine } from "../src/review/render-hunk.js";
import type { Chunk } from "../src/review/types.js";
import type { Row } from "./report-table.js";

export interface ScopeTokenFigures {
  commits: number;
  chunks: number;
  /** Median over chunks of the tokens their S lines add. */
  medianExtraTokens: number;
  meanExtraTokens: number;
  /** Extra tokens over the bare diff's tokens, all chunks together. */
  extraShare: number;
  /** Hunks that got scope lines, of all hunks. */
  widenedHunks: number;
  hunks: number;
}

const SETTINGS = { chunkTokens: 12_000, maxFiles: 300, maxChunks: 20, maxInputTokens: 400_000, exclude: [] as string[] };

export function measureScopeTokens(commitCount = 40, repoDir = fileURLToPath(new URL("..", import.meta.url))): ScopeTokenFigures {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repoDir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const commits = git("log", "--no-merges", `-n${commitCount}`, "--format=%H", "HEAD", "--", "src").split("\n").filter(Boolean);
  const extras: number[] = [];
  let bareTotal = 0;
  let hunks = 0;
  let widenedHunks = 0;
  for (const commit of commits) {
    const files = parseUnifiedDiff(git("diff", "-M", `${commit}^`, commit));
    const texts = new Map<string, string>();
    for (const file of files) {
      if (file.binary || file.status === "deleted") continue;
      try {
        texts.set(file.path, git("show", `${commit}:${file.path}`));
      } catch {
        // not at the commit (submodule, odd path): reviewed without its scope, as the worker does
      }
    }
    const bare = planReview(files, SETTINGS);
    const widened = planReview(files, SETTINGS, { scope: { texts, maxLines: 80 } });
    bareTotal += bare.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0);
    for (const chunk of widened.chunks) extras.push(scopeTokens(chunk));
    for (const chunk of widened.chunks) {
      for (const file of chunk.files) {
        for (const hunk of file.hunks) {
          hunks++;
          if ((hunk.scope?.before.length ?? 0) + (hunk.scope?.after.length ?? 0) > 0) widenedHunks++;
        }
      }
    }
  }
  const sorted = [...extras].sort((a, b) => a - b);
  const total = extras.reduce((sum, value) => sum + value, 0);
  return {
    commits: commits.length,
    chunks: extras.length,
    medianExtraTokens: sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!,
    meanExtraTokens: extras.length === 0 ? 0 : Math.round(total / extras.length),
    extraShare: bareTotal === 0 ? 0 : total / bareTotal,
    widenedHunks,
    hunks,
  };
}

/** The bench table's row (section 2, next to the pipeline's figures). */
export function scopeTokenRow(f: ScopeTokenFigures): Row {
  return {
    section: "2 Pipeline",
    measure: `scope widening: extra input tokens per chunk, median (${f.chunks} chunks of ${f.commits} real commits)`,
    figure: `${f.medianExtraTokens} (mean ${f.meanExtraTokens}; +${(f.extraShare * 100).toFixed(0)}% over the bare diff; ${f.widenedHunks} of ${f.hunks} hunks widened)`,
    goal: "",
    verdict: "info",
  };
}

function scopeTokens(chunk: Chunk): number {
  let tokens = 0;
  for (const file of chunk.files) {
    for (const hunk of file.hunks) for (const line of [...(hunk.scope?.before ?? []), ...(hunk.scope?.after ?? [])]) tokens += countTokens(renderScopeLine(line));
  }
  return tokens;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = measureScopeTokens(Number(process.argv[2] ?? 40));
  console.log(JSON.stringify(figures, null, 2));
}
