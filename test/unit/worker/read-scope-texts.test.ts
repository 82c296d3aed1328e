import { readFileSync } from "node:fs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { RepositoryReader } from "../../../src/repository/repository-reader.js";
import type { ReviewSettings } from "../../../src/review/review-settings.js";
import { readScopeTexts } from "../../../src/worker/read-scope-texts.js";
import { createMemoryRepository } from "../../support/memory-repository.js";

const log = pino({ level: "silent" });
const DIFFS = new URL("../../fixtures/diffs/", import.meta.url);
// binary-file.diff: two binary files and `index.js`; deleted-file.diff: `index.d.ts` deleted.
const FILES = [...parseUnifiedDiff(readFileSync(new URL("binary-file.diff", DIFFS), "utf8")), ...parseUnifiedDiff(readFileSync(new URL("multi-hunk.diff", DIFFS), "utf8")), ...parseUnifiedDiff(readFileSync(new URL("deleted-file.diff", DIFFS), "utf8"))];
const settings = (mode: "diff" | "scope" | "agentic", scopeLines = 80) =>
  ({ maxFiles: 300, exclude: [], include: [], context: { mode, scopeLines, toolRounds: 8, toolOutputTokens: 24_000 } }) as unknown as ReviewSettings;

/** A reader that records what it is asked and answers from `answers` (a thrown error for "boom"). */
function recordingReader(answers: Record<string, string | Uint8Array>): RepositoryReader & { asked: string[] } {
  const inner = createMemoryRepository(answers);
  const asked: string[] = [];
  return {
    ...inner,
    asked,
    async readFile(path, version) {
      asked.push(`${version}:${path}`);
      if (path === "parse.js" && "boom" in answers) throw new Error("disk on fire");
      return inner.readFile(path, version);
    },
  };
}

describe("readScopeTexts", () => {
  it("reads the reviewed text files at the head only; binary, deleted and missing files are not widened", async () => {
    const reader = recordingReader({ "index.js": "x\n", "docs/demo.png": new Uint8Array([1, 2]) });
    const result = await readScopeTexts(FILES, reader, settings("scope"), log);
    expect(reader.asked.sort()).toEqual(["head:index.js", "head:parse.js"]);
    expect([...result!.texts.keys()]).toEqual(["index.js"]);
    expect(result!.files).toBe(FILES);
  });

  it("a read that fails leaves that file unwidened and the review going", async () => {
    const reader = recordingReader({ "index.js": "x\n", boom: "" });
    const result = await readScopeTexts(FILES, reader, settings("agentic"), log);
    expect([...result!.texts.keys()]).toEqual(["index.js"]);
  });

  it("diff mode, no reader, or REVIEW_CONTEXT_LINES=0: nothing is read", async () => {
    const reader = recordingReader({ "index.js": "x\n" });
    expect(await readScopeTexts(FILES, reader, settings("diff"), log)).toBeNull();
    expect(await readScopeTexts(FILES, undefined, settings("scope"), log)).toBeNull();
    expect(await readScopeTexts(FILES, reader, settings("scope", 0), log)).toBeNull();
    expect(reader.asked).toEqual([]);
  });
});
