import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSnapshotReader } from "../../../src/repository/snapshot-reader.js";
import { MAX_READ_LINES, MAX_SEARCH_MATCHES, MAX_TOOL_LINE_CHARS } from "../../../src/tools/repository-tools.js";
import { createRepositoryToolRunner, type RepositoryToolRunner } from "../../../src/tools/run-repository-tool.js";
import { cpuMs, LINEAR_TIME_LIMIT_MS } from "../../support/linear-time.js";

/*
 * The model's tools over a snapshot a hostile pull request shaped: a megabyte on one line, 200,000 short
 * lines, a cycle of symlinks, a chain of 60 links, links out of the tree. Every output stays bounded,
 * nothing hangs, and nothing outside the tree is read.
 */

let work: string;
let runner: RepositoryToolRunner;
const run = (name: string, args: Record<string, unknown>) => runner.run({ name, arguments: JSON.stringify(args) });
const read = (path: string, start_line: number | null = null) => run("read_file", { path, start_line, end_line: null, version: null });
/** The most one call may send back: MAX_READ_LINES numbered, cut lines, plus the tags and a note. */
const MAX_OUTPUT_CHARS = MAX_READ_LINES * (MAX_TOOL_LINE_CHARS + 60) + 1_000;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "codex-review-hostile-"));
  const root = join(work, "tree");
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(work, "secret.txt"), "TOP SECRET needle\n");
  writeFileSync(join(root, "src", "bundle.js"), `var needle=1;${"x".repeat(1024 * 1024)}\n`);
  // 600 kB: under the search's 1 MB bound per file, so search walks all of it.
  writeFileSync(join(root, "src", "lines.txt"), "ne\n".repeat(200_000));
  symlinkSync("loop-b", join(root, "loop-a"));
  symlinkSync("loop-a", join(root, "loop-b"));
  symlinkSync("src/lines.txt", join(root, "chain-0"));
  for (let i = 1; i <= 60; i++) symlinkSync(`chain-${i - 1}`, join(root, `chain-${i}`));
  symlinkSync(join(work, "secret.txt"), join(root, "absolute-out"));
  symlinkSync("../secret.txt", join(root, "relative-out"));
  symlinkSync("..", join(root, "parent"));
  runner = createRepositoryToolRunner(
    createSnapshotReader({ root, readBase: async () => ({ kind: "missing" }), onUse: () => {}, close: async () => {} }),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the tools on a hostile snapshot", () => {
  it("reads a one-line megabyte as one cut line", async () => {
    const result = await read("src/bundle.js");
    expect(result.outcome).toBe("ok");
    expect(result.output.length).toBeLessThan(2_000);
    expect(result.output).toContain(`[line cut at ${MAX_TOOL_LINE_CHARS} characters]`);
  });

  it("reads 200,000 lines a page at a time, at the start and at the end", async () => {
    const started = cpuMs();
    const first = await read("src/lines.txt");
    const last = await read("src/lines.txt", 199_990);
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(first.output.length).toBeLessThan(MAX_OUTPUT_CHARS);
    expect(first.output).toContain(`total_lines="200000"`);
    expect(first.output).toContain(`[lines ${MAX_READ_LINES + 1}-200000 not shown; read them with start_line ${MAX_READ_LINES + 1}]`);
    expect(last.output).toContain("200000: ne");
  });

  it("searches them with capped matches and a bounded count of the rest", async () => {
    const started = cpuMs();
    const result = await run("search_code", { query: "ne", path_glob: null });
    expect(cpuMs() - started).toBeLessThan(LINEAR_TIME_LIMIT_MS);
    expect(result.output.length).toBeLessThan(MAX_OUTPUT_CHARS);
    expect(result.output.match(/^src\/lines\.txt:\d+: ne$/gm)).toHaveLength(MAX_SEARCH_MATCHES);
    expect(result.output).toMatch(/\[\d+ more matches not shown; narrow the query or path_glob\]$/);
    // The megabyte file is over the search's size bound; the secret outside is never walked.
    expect(result.output).not.toContain("bundle.js");
    expect(result.output).not.toContain("SECRET");
  });

  it("answers a symlink cycle and a 60-link chain without hanging", async () => {
    expect((await read("loop-a")).outcome).toBe("missing");
    // Linux follows 40 links at most (ELOOP): the chain reads as missing, never as a hang.
    expect((await read("chain-60")).outcome).toBe("missing");
    expect((await read("chain-10")).output).toContain("1: ne");
  });

  it.each(["absolute-out", "relative-out", "parent/secret.txt", "parent/tree/../secret.txt"])("refuses %s, which leaves the tree", async (path) => {
    const result = await read(path);
    expect(result.outcome).toBe("refused");
    expect(result.output).not.toContain("SECRET");
  });

  it("lists the links as links, without following them", async () => {
    const result = await run("list_files", { path: "" });
    expect(result.output).toContain("loop-a (symlink)");
    expect(result.output).toContain("absolute-out (symlink)");
    expect((await run("list_files", { path: "parent" })).outcome).toBe("refused");
  });
});
