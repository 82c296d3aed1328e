/*
 * Worst-case inputs for every text scan that sees untrusted text, one per scan: the shape that made the
 * scan backtrack (quadratic or worse) before it was made linear. Shared by the regex tests and by
 * bench/untrusted-text.ts, which prints the before/after figures.
 */
import { parseReviewMarker } from "../../src/review/review-marker.js";
import { isDismissingReply } from "../../src/review/dismiss-rule.js";
import { parseFindingMarker } from "../../src/review/finding-marker.js";
import { extractReviewSection } from "../../src/config/review-guidelines.js";
import { formatReview } from "../../src/cli/format-review.js";
import { isGeneratedFile, selectReviewableFiles } from "../../src/diff/file-filter.js";
import { parseUnifiedDiff } from "../../src/diff/parse-unified-diff.js";
import type { FileDiff } from "../../src/diff/types.js";
import { buildReviewPrompt, neutraliseTags } from "../../src/review/build-review-prompt.js";
import { parseChunkReview } from "../../src/review/findings-schema.js";
import { classifyFile } from "../../src/review/prioritise-files.js";
import { renderInline, renderProse } from "../../src/review/render-review.js";
import { mentionsApp, parseCommand } from "../../src/webhooks/parse-command.js";

/** `text` repeated until it is `size` characters long (the last copy cut). */
export function repeatTo(text: string, size: number): string {
  return text.repeat(Math.ceil(size / text.length)).slice(0, size);
}

export interface AdversarialCase {
  name: string;
  /** What the input is, for the bench table. */
  input: string;
  build(size: number): string;
  run(input: string): unknown;
}

/** A new file whose first line is `content`, as the file filter sees it. */
export function fileWithFirstLine(content: string, path = "src/a.ts"): FileDiff {
  return {
    path,
    oldPath: null,
    status: "added",
    binary: false,
    additions: 1,
    deletions: 0,
    hunks: [{ header: "@@ -0,0 +1 @@", oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, lines: [{ kind: "add", content, oldLine: null, newLine: 1 }] }],
  };
}

const PR = { owner: "o", repo: "r", number: 1, title: "t", body: "", baseRef: "main", headRef: "topic" };

export const UNTRUSTED_TEXT_CASES: AdversarialCase[] = [
  {
    name: "generated-marker",
    input: "comment line of `generated ` near-misses (file filter)",
    build: (size) => `// ${repeatTo("generated ", size)}`,
    run: (input) => isGeneratedFile(fileWithFirstLine(input)),
  },
  {
    name: "tag-like",
    input: "`<` then a whitespace run (prompt/thread tag escaping)",
    build: (size) => `<${" ".repeat(size)}`,
    run: (input) => neutraliseTags(input),
  },
  {
    name: "pr-description-comments",
    input: "PR body of unclosed `<!--` (description trimming)",
    build: (size) => repeatTo("<!--", size),
    run: (input) => buildReviewPrompt({ index: 0, files: [], tokens: 0 }, { ...PR, body: input }),
  },
  {
    name: "model-backtick-run",
    input: "model text that is one backtick run (code/prose split)",
    build: (size) => "`".repeat(size),
    run: (input) => renderProse(input),
  },
  {
    name: "model-mention-hyphens",
    input: "`@a` then a hyphen run (mention escaping)",
    build: (size) => `@a${"-".repeat(size)}`,
    run: (input) => renderProse(input),
  },
  {
    name: "model-inline-spans",
    input: "backtick runs of growing length, none closed (inline title)",
    build: (size) => {
      let text = "";
      for (let n = 1; text.length < size; n++) text += `${"`".repeat(n)}a`;
      return text.slice(0, size);
    },
    run: (input) => renderInline(input),
  },
  {
    name: "review-marker-whitespace",
    input: "`<!-- codex-review:v1 ` then spaces, no `-->` (marker parsing)",
    build: (size) => `<!-- codex-review:v1 ${" ".repeat(size)}`,
    run: (input) => parseReviewMarker(input),
  },
  {
    name: "review-marker-repeated",
    input: "`<!-- codex-review:v1 x` repeated, no `>` (marker parsing)",
    build: (size) => repeatTo("<!-- codex-review:v1 x", size),
    run: (input) => parseReviewMarker(input),
  },
  {
    name: "finding-marker-repeated",
    input: "`<!-- codex-review:finding x` repeated, no `>` (finding marker parsing)",
    build: (size) => repeatTo("<!-- codex-review:finding x", size),
    run: (input) => parseFindingMarker(input),
  },
  {
    name: "dismissing-reply",
    input: "a reply of unclosed code fences and `>` quotes (dismiss rule)",
    build: (size) => repeatTo("```\n> `x\n", size),
    run: (input) => isDismissingReply(input),
  },
  {
    name: "agents-md-heading",
    input: "`# ` then a whitespace run (AGENTS.md review section)",
    build: (size) => `# ${" ".repeat(size)}`,
    run: (input) => extractReviewSection(input),
  },
  {
    name: "test-file-name",
    input: "path of `.test.` repeated, then `/x` (file classing)",
    build: (size) => `${repeatTo(".test.", size)}/x`,
    run: (input) => classifyFile(input),
  },
  {
    name: "cli-marker-newlines",
    input: "review body of newlines (CLI dry-run printing)",
    build: (size) => `${"\n".repeat(size)}x`,
    run: (input) => formatReview({ body: input, comments: [] }),
  },
  {
    name: "hunk-header-digits",
    input: "`@@ -` then a digit run (diff parsing)",
    build: (size) => `diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -${"1".repeat(size)}\n`,
    run: (input) => parseUnifiedDiff(input),
  },
  {
    name: "plain-diff-file-line",
    input: "plain diff whose `diff` line is `a/` repeated (diff parsing)",
    build: (size) => `diff ${repeatTo("a/", size)}\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n`,
    run: (input) => parseUnifiedDiff(input),
  },
  {
    name: "exclude-globs-path",
    input: "path of `a.min/` repeated (exclude globs)",
    build: (size) => `${repeatTo("a.min/", size)}x`,
    run: (input) => selectReviewableFiles([fileWithFirstLine("x", input)]),
  },
  {
    name: "exclude-globs-segment",
    input: "one file name of `a.min.` repeated, then `/x` (exclude globs)",
    build: (size) => `${repeatTo("a.min.", size)}/x`,
    run: (input) => selectReviewableFiles([fileWithFirstLine("x", input)]),
  },
  {
    name: "model-output-fences",
    input: "model reply of unclosed ```` ```x ```` fences (findings parsing)",
    build: (size) => repeatTo("```x\n{", size),
    run: (input) => parseChunkReview(input),
  },
  {
    name: "command-whitespace",
    input: "comment of `/codex` then whitespace (command parsing)",
    build: (size) => `/codex${" ".repeat(size)}x`,
    run: (input) => [parseCommand(input, "codex-review"), mentionsApp(input, "codex-review")],
  },
];
