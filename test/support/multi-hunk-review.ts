import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseUnifiedDiff } from "../../src/diff/parse-unified-diff.js";

/** The real patch most end-to-end tests review: one file, three hunks. */
export const multiHunkDiffPath = fileURLToPath(new URL("../fixtures/diffs/multi-hunk.diff", import.meta.url));
export const multiHunkDiff = readFileSync(multiHunkDiffPath, "utf8");

export const firstFile = parseUnifiedDiff(multiHunkDiff)[0]!;
export const addedLine = firstFile.hunks[0]!.lines.find((line) => line.kind === "add")!;

export const FINDING_TITLE = "Regex split allocates on every call";
export const OFF_DIFF_TITLE = "Consider documenting the parser limits";

/** What the fake model says about the patch: one finding on a real added line, one on a line outside the diff. */
export const multiHunkModelOutput = {
  summary: "Splits input on CRLF too.",
  comments: [
    {
      path: firstFile.path,
      line: addedLine.newLine!,
      side: "RIGHT",
      start_line: null,
      severity: "P1",
      title: FINDING_TITLE,
      body: "Hoist the regular expression to a constant.",
      suggestion: null,
      quote: addedLine.content.trim(),
    },
    {
      path: firstFile.path,
      line: 9_999,
      side: "RIGHT",
      start_line: null,
      severity: "P2",
      title: OFF_DIFF_TITLE,
      body: "The module has no notes on input size.",
      suggestion: null,
      quote: null,
    },
  ],
};
