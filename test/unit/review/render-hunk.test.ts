import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { DiffLine, FileDiff } from "../../../src/diff/types.js";
import { countTokens } from "../../../src/llm/count-tokens.js";
import { renderDiffLine, renderFile, renderFileHeader, renderLineAnchor, renderLineBody } from "../../../src/review/render-hunk.js";

const FIXTURES = new URL("../../fixtures/diffs/", import.meta.url);
const parse = (name: string): FileDiff[] => parseUnifiedDiff(readFileSync(new URL(name, FIXTURES), "utf8"));
const ALL_FIXTURES = readdirSync(FIXTURES).filter((name) => name.endsWith(".diff"));

describe("renderDiffLine", () => {
  it.each<[DiffLine, string]>([
    [{ kind: "add", content: "  return x;", oldLine: null, newLine: 12 }, "R12 +  return x;\n"],
    [{ kind: "del", content: "  return y;", oldLine: 11, newLine: null }, "L11 -  return y;\n"],
    [{ kind: "context", content: "}", oldLine: 10, newLine: 10 }, "R10  }\n"],
    [{ kind: "context", content: "", oldLine: 3, newLine: 4 }, "R4  \n"],
    [{ kind: "add", content: "crlf;\r", oldLine: null, newLine: 1 }, "R1 +crlf;\n"],
  ])("renders %j as %j", (line, expected) => {
    expect(renderDiffLine(line)).toBe(expected);
  });

  it("labels every fixture line with the side and number GitHub anchors it on", () => {
    for (const name of ALL_FIXTURES) {
      for (const file of parse(name)) {
        for (const line of file.hunks.flatMap((hunk) => hunk.lines)) {
          const expected = line.kind === "del" ? `L${line.oldLine}` : `R${line.newLine}`;
          expect(renderDiffLine(line).startsWith(`${expected} `), `${name} ${file.path}`).toBe(true);
        }
      }
    }
  });

  // chunkDiff counts anchor and body apart (and memoises both); that is exact only if the tokenizer
  // splits the line there too.
  it.each(ALL_FIXTURES)("anchor and body token counts add up to the line's in %s", (name) => {
    for (const line of parse(name).flatMap((file) => file.hunks.flatMap((hunk) => hunk.lines))) {
      expect(countTokens(renderLineAnchor(line)) + countTokens(renderLineBody(line))).toBe(countTokens(renderDiffLine(line)));
    }
  });
});

describe("renderFile", () => {
  it.each<[string, string]>([
    ["rename-with-changes.diff", "FILE: lib/parse-diff.js (renamed from parse.js)\n"],
    ["new-file.diff", "(new file)\n"],
    ["deleted-file.diff", "(deleted file)\n"],
  ])("%s: header says %j", (name, expected) => {
    const [file] = parse(name);
    expect(renderFileHeader(file!)).toContain(expected);
  });

  it("renders the hunks in order under one header, deterministically", () => {
    const [file] = parse("multi-hunk.diff");
    const text = renderFile(file!);
    expect(text.match(/^FILE: /gm)).toHaveLength(1);
    expect(text.match(/^@@ /gm)).toHaveLength(3);
    expect(text.indexOf("@@ -2,7")).toBeLessThan(text.indexOf("@@ -99,7"));
    expect(text).toContain('L5 -  const lines = input.split("\\n");\nR5 +  const lines = input.split(/\\r?\\n/);\n');
    expect(renderFile(file!)).toBe(text);
  });
});
