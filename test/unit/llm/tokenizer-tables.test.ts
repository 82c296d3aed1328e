import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Resident memory in MB of a fresh node process: after importing the counter, after one count, after a second. */
function heapSteps(): { imported: number; counted: number; again: number; base: number } {
  const script = `
    const heap = () => { globalThis.gc(); return process.memoryUsage().rss / 2 ** 20; };
    const base = heap();
    const { countTokens } = await import(${JSON.stringify(join(root, "src/llm/count-tokens.ts"))});
    const imported = heap();
    countTokens("const answer = 42; // a line of code");
    const counted = heap();
    countTokens("another line, another count");
    const again = heap();
    console.log(JSON.stringify({ base, imported, counted, again }));`;
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], { cwd: root }).toString();
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

describe("the tokenizer's tables", () => {
  it("are loaded by one module only, so a process holds them once", () => {
    const importers = sourceFiles("src").filter((file) => readFileSync(join(root, file), "utf8").includes("gpt-tokenizer"));
    expect(importers).toEqual(["src/llm/count-tokens.ts"]);
  });

  it("are loaded on the first count, not on import, and only once", () => {
    const { base, imported, counted, again } = heapSteps();
    // Importing costs next to nothing: the web process imports nothing that counts, a worker pays at its first review.
    expect(imported - base).toBeLessThan(15);
    expect(counted - imported).toBeGreaterThan(30);
    expect(again - counted).toBeLessThan(5);
  }, 60_000);
});
