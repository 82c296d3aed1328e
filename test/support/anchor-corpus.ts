import { readdirSync, readFileSync } from "node:fs";
import type { FileDiff, Side } from "../../src/diff/types.js";
import type { Finding, ReviewComment } from "../../src/review/types.js";
import { parseFakeDiff, type FakeDiffFile } from "../fakes/github-diff.js";
import { validateReview } from "../fakes/github-review-validation.js";

/*
 * Shared by the anchor property tests and the pipeline benchmark: the real-diff fixture corpus,
 * random findings over it, and a check of anchored comments by the GitHub fake's own validator,
 * which reads the diff with its own parser (test/fakes/github-diff.ts), not src/diff.
 */

const FIXTURES = new URL("../fixtures/diffs/", import.meta.url);

export function loadDiffCorpus(): Array<{ name: string; text: string }> {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".diff"))
    .sort()
    .map((name) => ({ name, text: readFileSync(new URL(name, FIXTURES), "utf8") }));
}

const SIDES: readonly Side[] = ["LEFT", "RIGHT"];

/**
 * Findings as a sloppy model might write them, around every line of every hunk: both sides, each with
 * and without a quote; line numbers mostly right but often off by up to 12; ranges of up to 8 lines
 * (now and then backwards); quotes of the line, of a neighbour, or of nothing in the diff; half with a
 * suggestion as long as the range the model meant.
 */
export function generateFindings(files: readonly FileDiff[], random: () => number): Finding[] {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const findings: Finding[] = [];
  for (const file of files) {
    const lines = file.hunks.flatMap((hunk) => hunk.lines);
    lines.forEach((line, i) => {
      for (const side of SIDES) {
        for (const quoted of [false, true]) {
          const own = side === "LEFT" ? (line.oldLine ?? line.newLine) : (line.newLine ?? line.oldLine);
          const offset = random() < 0.5 ? 0 : int(-12, 12);
          const cited = Math.max(1, (own ?? 1) + offset);
          const rangeRoll = random();
          const startLine = rangeRoll < 0.35 ? Math.max(1, cited - int(1, 8)) : rangeRoll < 0.4 ? cited + int(0, 3) : null;
          const quoteRoll = random();
          const quote = !quoted
            ? null
            : quoteRoll < 0.6
              ? line.content
              : quoteRoll < 0.9
                ? (lines[Math.min(lines.length - 1, Math.max(0, i + int(-3, 3)))]?.content ?? null)
                : "nothing like this is in the diff";
          const span = startLine !== null && startLine < cited ? cited - startLine + 1 : 1;
          findings.push({
            path: file.path,
            line: cited,
            side,
            startLine,
            severity: "P2",
            title: `${file.path}#${i}/${side}/${quoted ? "q" : "-"}`,
            body: "Generated finding.",
            suggestion: random() < 0.5 ? Array.from({ length: span }, (_, k) => `  fixed(${k});`).join("\n") : null,
            quote,
          });
        }
      }
    });
  }
  return findings;
}

export interface OffByFewCitation {
  finding: Finding;
  /** The added line the finding quotes. */
  expected: { side: Side; line: number };
}

/**
 * For every added line whose text is non-blank and unique in its file's diff (all lines, both sides,
 * compared as the anchoring compares code: trimmed, whitespace runs collapsed), RIGHT findings cited
 * 1..5 lines above and below it, quoting it: each should land exactly on that line. Citations stay in
 * the file: from line 1 to the last new-file line the diff shows (the file may be longer, but the diff
 * cannot tell).
 */
export function generateOffByFewCitations(files: readonly FileDiff[]): OffByFewCitation[] {
  const normalise = (code: string) => code.trim().replace(/\s+/g, " ");
  const cases: OffByFewCitation[] = [];
  for (const file of files) {
    const lines = file.hunks.flatMap((hunk) => hunk.lines);
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(normalise(line.content), (counts.get(normalise(line.content)) ?? 0) + 1);
    const lastLine = Math.max(0, ...lines.map((line) => line.newLine ?? 0));
    for (const line of lines) {
      const text = normalise(line.content);
      if (line.kind !== "add" || line.newLine === null || text.length === 0 || counts.get(text) !== 1) continue;
      for (const offset of [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]) {
        const cited = line.newLine + offset;
        if (cited < 1 || cited > lastLine) continue;
        cases.push({
          finding: {
            path: file.path,
            line: cited,
            side: "RIGHT",
            startLine: null,
            severity: "P2",
            title: `${file.path}:R${line.newLine} cited at R${cited}`,
            body: "Generated finding.",
            suggestion: null,
            quote: line.content,
          },
          expected: { side: "RIGHT", line: line.newLine },
        });
      }
    }
  }
  return cases;
}

export interface InvalidAnchor {
  comment: ReviewComment;
  errors: string[];
}

/**
 * The comments GitHub would refuse, by the fake's validator. Comments are checked file by file (and
 * one by one only when a file's batch fails, to name the culprit), which keeps 100,000 checks fast.
 */
export function findInvalidAnchors(diffText: string, comments: readonly ReviewComment[], headSha = "f".repeat(40)): InvalidAnchor[] {
  const files = parseFakeDiff(diffText);
  const byName = new Map<string, FakeDiffFile>(files.map((file) => [file.filename, file]));
  const byPath = new Map<string, ReviewComment[]>();
  for (const comment of comments) byPath.set(comment.path, [...(byPath.get(comment.path) ?? []), comment]);

  const invalid: InvalidAnchor[] = [];
  const check = (batch: readonly ReviewComment[], scope: FakeDiffFile[]) =>
    validateReview({ commit_id: headSha, event: "COMMENT", body: "", comments: batch }, scope, headSha);
  for (const [path, batch] of byPath) {
    const file = byName.get(path);
    const scope = file ? [file] : files;
    if (check(batch, scope).ok) continue;
    for (const comment of batch) {
      const result = check([comment], scope);
      if (!result.ok) invalid.push({ comment, errors: result.kind === "unprocessable" ? result.errors : [result.message] });
    }
  }
  return invalid;
}

/** The ```suggestion block of a comment body, or null. */
export function suggestionBlockOf(body: string): string | null {
  const match = /(`{3,})suggestion\n([\s\S]*?)\n\1(?:\n|$)/.exec(body);
  return match ? match[2]! : null;
}
