import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../../src/diff/parse-unified-diff.js";
import type { FileDiff, Hunk } from "../../../src/diff/types.js";
import { isDeclaration } from "../../../src/review/find-enclosing-scope.js";
import { renderFile } from "../../../src/review/render-hunk.js";
import { widenHunks } from "../../../src/review/widen-hunks.js";
import { applyFileDiff } from "../../support/apply-file-diff.js";
import { buildGitHistory } from "../../support/git-history.js";

/*
 * Widening on real code: files of published projects (test/fixtures/scope/README.md) edited in a real
 * git repository, and the real diff fixtures whose head can be rebuilt from node_modules.
 */

const SCOPE = new URL("../../fixtures/scope/", import.meta.url);
const DIFFS = new URL("../../fixtures/diffs/", import.meta.url);
const scopeFile = (name: string) => readFileSync(new URL(name, SCOPE), "utf8");
const parseDiffJs = () => readFileSync(new URL("../../../node_modules/parse-diff/parse.js", import.meta.url), "utf8");

/** A real `git diff` of `text` with `edits` (line -> new text, null = delete), and the file at the head. */
function editFile(name: string, text: string, edits: Record<number, string | null>): { file: FileDiff; head: string } {
  const lines = text.split("\n");
  for (const [line, replacement] of Object.entries(edits)) lines[Number(line) - 1] = replacement ?? "\u0000";
  const head = lines.filter((line) => line !== "\u0000").join("\n");
  const history = buildGitHistory({ [name]: text }, [(files) => files.set(name, head)]);
  const [file] = parseUnifiedDiff(history.diff(0, 1));
  return { file: file!, head };
}

/** The new-file lines a hunk shows with its scope: [first, last]. */
function shownRange(hunk: Hunk): [number, number] {
  const numbers = [...(hunk.scope?.before ?? []).map((l) => l.line), ...hunk.lines.flatMap((l) => (l.newLine === null ? [] : [l.newLine])), ...(hunk.scope?.after ?? []).map((l) => l.line)];
  return [Math.min(...numbers), Math.max(...numbers)];
}

/** What every widening must keep, whatever the code: see widenHunks. */
function expectWellFormed(file: FileDiff, hunks: Hunk[], head: string, maxLines: number): void {
  const lines = head.split("\n").map((line) => line.replace(/\r$/, ""));
  const diffLines = new Set(file.hunks.flatMap((hunk) => hunk.lines.flatMap((line) => (line.newLine === null ? [] : [line.newLine]))));
  const seen = new Set<number>();
  let previous = 0;
  hunks.forEach((hunk, index) => {
    expect(hunk.lines).toBe(file.hunks[index]!.lines); // the diff itself is untouched
    const before = hunk.scope?.before ?? [];
    const after = hunk.scope?.after ?? [];
    expect(before.length + after.length).toBeLessThanOrEqual(maxLines);
    for (const scopeLine of [...before, ...after]) {
      expect(scopeLine.content).toBe(lines[scopeLine.line - 1]);
      expect(diffLines.has(scopeLine.line)).toBe(false);
      expect(seen.has(scopeLine.line)).toBe(false);
      seen.add(scopeLine.line);
    }
    const order = [...before.map((l) => l.line), ...hunk.lines.flatMap((l) => (l.newLine === null ? [] : [l.newLine])), ...after.map((l) => l.line)];
    for (const line of order) {
      expect(line).toBeGreaterThan(previous);
      previous = line;
    }
  });
}

describe("widenHunks on real code in several languages", () => {
  it.each([
    // file, line edited, the enclosing declaration's line, the scope's last line
    ["client.go", 100, 85, 116, "func (c *Client) connect() (uconn net.Conn, hconn net.Conn, addr string, err error) {"],
    ["redis-trib.rb", 55, 44, 84, "def parse_options(cmd)"],
    ["gdb_providers.py", 286, 282, 287, "        def cast_to_internal(node):"],
    ["main.rs", 46, 44, 50, "    fn from(format: &str) -> OutputFormat {"],
    ["Find-VisualStudio.cs", 200, 190, 217, "        public static void PrintJson()"],
    ["json-schema-generator.ts.txt", 95, 84, 98, "  constructor(params?: JSONSchemaGeneratorConstructorParams) {"],
  ])("%s: an edit of line %i shows its function from line %i to %i", (name, edited, start, end, declaration) => {
    const text = scopeFile(name);
    const { file, head } = editFile(name, text, { [edited]: `${text.split("\n")[edited - 1]} ` });
    const hunks = widenHunks(file, head, 80);
    expect(hunks).toHaveLength(1);
    const hunk = file.hunks[0]!;
    expect(shownRange(hunks[0]!)).toEqual([Math.min(start, hunk.newStart), Math.max(end, hunk.newStart + hunk.newLines - 1)]);
    expect(head.split("\n")[start - 1]).toBe(declaration);
    expect(isDeclaration(declaration)).toBe(true);
    expectWellFormed(file, hunks, head, 80);
  });

  it("widens each hunk of a real multi-hunk diff to its own arrow function (parse-diff's parse.js)", () => {
    const [file] = parseUnifiedDiff(readFileSync(new URL("multi-hunk.diff", DIFFS), "utf8"));
    const head = applyFileDiff(parseDiffJs(), file!);
    const hunks = widenHunks(file!, head, 80);
    expectWellFormed(file!, hunks, head, 80);
    // Line 102 is in `const chunk = (line, match) => {` (89) .. `};` (111).
    expect(hunks[1]!.scope?.before[0]).toEqual({ line: 89, content: "  const chunk = (line, match) => {" });
    expect(hunks[1]!.scope?.after.at(-1)).toEqual({ line: 111, content: "  };" });
    // The third hunk touches two functions: both are completed, from the first's declaration to the second's end.
    expect(shownRange(hunks[2]!)).toEqual([225, 240]);
  });

  it("merges two hunks of one function: the lines between them are shown once, in order", () => {
    const text = scopeFile("client.go");
    const lines = text.split("\n");
    const { file, head } = editFile("client.go", text, { 90: `${lines[89]} `, 110: `${lines[109]} ` });
    expect(file.hunks).toHaveLength(2);
    const hunks = widenHunks(file, head, 80);
    expectWellFormed(file, hunks, head, 80);
    const firstEnd = file.hunks[0]!.newStart + file.hunks[0]!.newLines - 1;
    const gap = [...(hunks[0]!.scope?.after ?? []), ...(hunks[1]!.scope?.before ?? [])].map((line) => line.line);
    expect(gap).toEqual(Array.from({ length: file.hunks[1]!.newStart - firstEnd - 1 }, (_, i) => firstEnd + 1 + i));
    expect(shownRange(hunks[0]!)[0]).toBe(85);
    expect(shownRange(hunks[1]!)[1]).toBe(116);
  });

  it("keeps a hunk whose scope starts further up than REVIEW_CONTEXT_LINES as it is, and cuts a scope's end at the bound", () => {
    const text = scopeFile("client.go");
    const { file, head } = editFile("client.go", text, { 100: `${text.split("\n")[99]} ` });
    // `func ... connect()` is 12 lines above the hunk (line 97).
    expect(widenHunks(file, head, 11)[0]!.scope).toBeUndefined();
    const bounded = widenHunks(file, head, 14)[0]!;
    expect(bounded.scope?.before.map((line) => line.line)).toEqual([85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96]);
    expect(bounded.scope?.after.map((line) => line.line)).toEqual([104, 105]);
    expect(widenHunks(file, head, 0)).toBe(file.hunks);
  });

  it("deletions only: the scope of where the lines were", () => {
    const text = scopeFile("redis-trib.rb");
    const { file, head } = editFile("redis-trib.rb", text, { 62: null, 63: null, 64: null, 65: null, 66: null, 67: null });
    const hunks = widenHunks(file, head, 80);
    expectWellFormed(file, hunks, head, 80);
    expect(hunks[0]!.scope?.before[0]?.content).toBe("def parse_options(cmd)");
  });
});

describe("widenHunks on odd inputs", () => {
  it("a minified one-line file: the hunk is the whole file, nothing to add", () => {
    const text = scopeFile("pako_inflate.min.js");
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    const head = text.replace("inflate", "inflateRaw");
    const history = buildGitHistory({ "pako.min.js": text }, [(files) => files.set("pako.min.js", head)]);
    const [file] = parseUnifiedDiff(history.diff(0, 1));
    const hunks = widenHunks(file!, head, 80);
    expect(hunks.every((hunk) => hunk.scope === undefined)).toBe(true);
  });

  it("CRLF: the scope lines match the file without their CR, and render without it", () => {
    const [file] = parseUnifiedDiff(readFileSync(new URL("crlf.diff", DIFFS), "utf8"));
    const base = readFileSync(new URL("../../../node_modules/parse-diff/index.d.ts", import.meta.url), "utf8").replace(/\n/g, "\r\n");
    const head = applyFileDiff(base, file!);
    const hunks = widenHunks(file!, head, 80);
    expectWellFormed(file!, hunks, head, 80);
    expect(hunks[0]!.scope?.before[0]?.content).toBe("  export interface File {");
    const rendered = renderFile({ ...file!, hunks });
    expect(rendered).toContain("\nS");
    expect(rendered.split("\n").filter((line) => line.startsWith("S")).some((line) => line.includes("\r"))).toBe(false);
  });

  it("a huge file (50,000 lines): widening stays within the bound", () => {
    const base = parseDiffJs();
    const text = Array.from({ length: 200 }, () => base).join("\n");
    const lines = text.split("\n");
    const middle = Math.floor(lines.length / 2) + 101; // inside a `const chunk = (line, match) => {` copy
    const { file, head } = editFile("big.js", text, { [middle]: `${lines[middle - 1]} // edited` });
    expect(head.split("\n").length).toBeGreaterThan(50_000);
    const hunks = widenHunks(file, head, 80);
    expectWellFormed(file, hunks, head, 80);
    expect(hunks[0]!.scope?.before[0]?.content).toMatch(/=> \{$/);
  });

  it("top-level code and a Go import block have no enclosing scope", () => {
    const text = scopeFile("client.go");
    const { file, head } = editFile("client.go", text, { 22: '\t"net/http"' });
    expect(widenHunks(file, head, 80)[0]!.scope).toBeUndefined();
    const nvmrc = parseUnifiedDiff(readFileSync(new URL("one-line-file.diff", DIFFS), "utf8")).find((f) => f.path === ".nvmrc")!;
    expect(widenHunks(nvmrc, "22\n", 80)[0]!.scope).toBeUndefined();
  });

  it("hunks at the start and the end of a file", () => {
    const text = scopeFile("main.rs");
    const lines = text.split("\n");
    const last = lines.at(-1) === "" ? lines.length - 1 : lines.length;
    const { file, head } = editFile("main.rs", text, { 1: `${lines[0]} `, [last]: `${lines[last - 1]} ` });
    const hunks = widenHunks(file, head, 80);
    expectWellFormed(file, hunks, head, 80);
    // The last line is `}` of `fn main() {`: the function is shown from its declaration.
    expect(hunks.at(-1)!.scope?.before[0]?.content).toBe("fn main() {");
  });

  it("a new file is all diff; a deleted file and a head that is not the diff's are left alone", () => {
    const newFile = parseUnifiedDiff(readFileSync(new URL("new-file.diff", DIFFS), "utf8")).find((f) => f.path === "lib/utils.js")!;
    const added = `${newFile.hunks[0]!.lines.map((line) => line.content).join("\n")}\n`;
    expect(widenHunks(newFile, added, 80).every((hunk) => hunk.scope === undefined)).toBe(true);
    const deleted = parseUnifiedDiff(readFileSync(new URL("deleted-file.diff", DIFFS), "utf8"))[0]!;
    expect(widenHunks(deleted, "", 80)).toBe(deleted.hunks);
    const [multi] = parseUnifiedDiff(readFileSync(new URL("multi-hunk.diff", DIFFS), "utf8"));
    expect(widenHunks(multi!, parseDiffJs(), 80)).toBe(multi!.hunks); // the base, not the head
  });
});

describe("isDeclaration", () => {
  it.each([
    "export async function reviewDiff(",
    "const widen = async (file: FileDiff): Promise<Hunk[]> => {",
    "export default class Reviewer extends Base {",
    "  private async readAll<T>(paths: string[]): Promise<T[]> {",
    "Foo.prototype.bar = function (a) {",
    "async def fetch(self, url):",
    "func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {",
    "type Reader interface {",
    "pub(crate) async fn open(path: &Path) -> io::Result<File> {",
    "impl<T: Display> fmt::Debug for Wrapper<T> {",
    "  def self.call(env)",
    "    public static Map<String, List<Integer>> group(List<Integer> values) {",
    "    internal override async Task<int> RunAsync(CancellationToken token)",
    "    suspend fun fetch(id: Long): User {",
    "data class User(val id: Long)",
  ])("%s", (line) => expect(isDeclaration(line)).toBe(true));

  it.each(["if (x) {", "} else {", "return foo(bar);", "await client.send(request);", "for (const line of lines) {", "oldLines: toNumOfLines(oldNumLines),", "currentChunk = {", "while (arg = ARGV.shift)"])(
    "%s is not one",
    (line) => expect(isDeclaration(line)).toBe(false),
  );
});
