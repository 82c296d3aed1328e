import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchSnapshot } from "../../../src/repository/search-snapshot.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

let root: string;
/** A file name a pull request can add: 200 `a`s and a `c` (file systems take 255). */
const LONG_NAME = `${"a".repeat(200)}c`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "codex-review-search-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src", LONG_NAME), "needle\n");
  writeFileSync(join(root, "src", "b.ts"), "needle\n");
  writeFileSync(join(root, "README.md"), "needle\n");
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("searchSnapshot's path_glob", () => {
  it("narrows the search like the globs people write", async () => {
    const result = await searchSnapshot(root, "needle", "src/**", 10);
    expect(result).toEqual({ kind: "matches", matches: [expect.objectContaining({ path: `src/${LONG_NAME}` }), expect.objectContaining({ path: "src/b.ts" })], omitted: 0 });
    expect(await searchSnapshot(root, "needle", "*.{md,txt}", 10)).toEqual({ kind: "matches", matches: [{ path: "README.md", line: 1, text: "needle" }], omitted: 0 });
  });

  // The glob is the model's, and the model reads the pull request: a PR can ask for it. picomatch's
  // RegExp for this glob backtracked for minutes against LONG_NAME, blocking the worker's event loop
  // (every job of the process, and its lock renewals).
  it("matches a hostile glob against a hostile file name in bounded time", async () => {
    const started = cpuMs();
    const result = await searchSnapshot(root, "needle", `**/${"*a".repeat(6)}b`, 10);
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(result).toEqual({ kind: "matches", matches: [], omitted: 0 });
  });
});
