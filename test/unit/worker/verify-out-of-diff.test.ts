import { readFileSync } from "node:fs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { buildAnchorMap } from "../../../src/diff/anchor-map.js";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import { outOfDiffKey } from "../../../src/review/out-of-diff.js";
import type { Finding } from "../../../src/review/types.js";
import { verifyOutOfDiffLines } from "../../../src/worker/verify-out-of-diff.js";
import { createMemoryRepository } from "../../support/memory-repository.js";

const log = pino({ level: "silent" });
// multi-hunk.diff: parse.js, hunks on new lines 2-8, 99-105, 227-237.
const ANCHORS = buildAnchorMap(parseUnifiedDiff(readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8")));
const TYPES = readFileSync(new URL("../../../node_modules/parse-diff/index.d.ts", import.meta.url), "utf8");
const at = (path: string, line: number, side: "LEFT" | "RIGHT" = "RIGHT"): Finding =>
  ({ path, line, side, startLine: null, severity: "P2", title: "t", body: "b", suggestion: null, quote: null });

describe("verifyOutOfDiffLines", () => {
  it("keeps the cited lines that exist at the head and are not diff lines, with their text", async () => {
    const typeLines = TYPES.split("\n");
    const reader = createMemoryRepository({ "index.d.ts": TYPES, "parse.js": "a\n".repeat(300), "logo.png": new Uint8Array([137, 80]) });
    const verified = await verifyOutOfDiffLines(
      [at("index.d.ts", 1), at("index.d.ts", typeLines.length - 1), at("index.d.ts", typeLines.length), at("index.d.ts", 5_000), at("parse.js", 50), at("parse.js", 102), at("parse.js", 60, "LEFT"), at("logo.png", 1), at("../etc/passwd", 1), at("nowhere.ts", 1)],
      ANCHORS,
      reader,
      new Map(),
      log,
    );
    expect([...verified.keys()].sort()).toEqual([outOfDiffKey("index.d.ts", 1), outOfDiffKey("index.d.ts", typeLines.length - 1), outOfDiffKey("parse.js", 50)].sort());
    expect(verified.get(outOfDiffKey("index.d.ts", 1))).toBe(typeLines[0]);
    // TYPES ends with a newline: the empty string after it is not a line GitHub shows.
    expect(typeLines.at(-1)).toBe("");
  });

  it("does not read again a file it already has", async () => {
    const reader = createMemoryRepository({});
    const verified = await verifyOutOfDiffLines([at("index.d.ts", 2)], ANCHORS, reader, new Map([["index.d.ts", "a\r\nb\r\n"]]), log);
    expect(verified.get(outOfDiffKey("index.d.ts", 2))).toBe("b");
  });
});
