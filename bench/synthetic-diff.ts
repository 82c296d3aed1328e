/*
 * A deterministic, code-like unified diff of any size, in the shape GitHub serves: source, tests,
 * docs and config files; modified, added and renamed files; several hunks per file with 3 lines of
 * context. Lines are mostly distinct (as in real code), with the usual repeats (`}`, blank lines).
 */

import { seededRandom } from "../test/support/seeded-random.js";

export interface SyntheticDiffOptions {
  files: number;
  /** Added plus deleted lines over all files. */
  changedLines: number;
  /** Default 1. */
  seed?: number;
}

export interface SyntheticDiff {
  text: string;
  files: number;
  changedLines: number;
  /** Lines of the diff text. */
  lines: number;
}

const WORDS = (
  "user account order item cart price total count index value result error request response client server " +
  "config option setting token session cache queue job task worker event handler listener stream buffer chunk " +
  "file path name size limit offset page cursor record row column table query filter sort key map list set " +
  "node tree graph edge parent child root level depth width height color style theme layout view model store " +
  "state action reducer effect hook context provider router route params body header status code message " +
  "retry timeout delay interval schedule batch payload schema field type format parse render validate encode"
).split(" ");
const TYPES = ["string", "number", "boolean", "Date", "Buffer", "unknown", "Record<string, number>", "Promise<void>", "Map<string, Item>"];
const OPS = ["===", "!==", "<", ">", "<=", ">="];

type Kind = "source" | "test" | "docs" | "config";

class LineWriter {
  constructor(private readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  ident(): string {
    const first = this.pick(WORDS);
    const second = this.pick(WORDS);
    return first + second[0]!.toUpperCase() + second.slice(1);
  }

  words(count: number): string {
    return Array.from({ length: count }, () => this.pick(WORDS)).join(" ");
  }

  line(kind: Kind): string {
    if (kind === "docs") return this.docLine();
    if (kind === "config") return this.configLine();
    const indent = "  ".repeat(this.int(5));
    const roll = this.random();
    if (roll < 0.08) return `${indent.slice(2)}}`;
    if (roll < 0.11) return "";
    const templates: Array<() => string> = [
      () => `const ${this.ident()} = ${this.ident()}.${this.ident()}(${this.ident()}, ${this.int(1000)});`,
      () => `if (${this.ident()} ${this.pick(OPS)} ${this.int(500)}) {`,
      () => `return ${this.ident()}(${this.ident()}, "${this.words(2)}");`,
      () => `// ${this.words(4 + this.int(8))}`,
      () => `${this.ident()}: ${this.pick(TYPES)};`,
      () => `import { ${this.ident()}, ${this.ident()} } from "./${this.pick(WORDS)}/${this.ident()}.js";`,
      () => `for (const ${this.pick(WORDS)} of ${this.ident()}) {`,
      () => `throw new Error(\`${this.words(3)} \${${this.ident()}}\`);`,
      () => `await ${this.ident()}.${this.ident()}({ ${this.pick(WORDS)}: ${this.int(100)}, ${this.pick(WORDS)}: "${this.pick(WORDS)}" });`,
      () => `${this.ident()} += ${this.ident()}.length * ${this.int(64)};`,
      () => `export function ${this.ident()}(${this.pick(WORDS)}: ${this.pick(TYPES)}): ${this.pick(TYPES)} {`,
      () => `log.info({ ${this.pick(WORDS)}: ${this.ident()} }, "${this.words(3)}");`,
    ];
    const testTemplates: Array<() => string> = [
      () => `it("${this.words(5)}", async () => {`,
      () => `expect(${this.ident()}(${this.int(100)})).toEqual({ ${this.pick(WORDS)}: ${this.int(9)} });`,
      () => `describe("${this.ident()}", () => {`,
    ];
    const pool = kind === "test" && roll < 0.5 ? testTemplates : templates;
    return indent + this.pick(pool)();
  }

  private docLine(): string {
    const roll = this.random();
    if (roll < 0.15) return "";
    if (roll < 0.25) return `## ${this.words(3)}`;
    if (roll < 0.4) return `- \`${this.ident()}\`: ${this.words(6)}.`;
    return `${this.words(8 + this.int(10))}.`;
  }

  private configLine(): string {
    const indent = "  ".repeat(this.int(3));
    return this.random() < 0.5 ? `${indent}${this.pick(WORDS)}_${this.pick(WORDS)}: ${this.int(10_000)}` : `${indent}"${this.ident()}": "${this.words(2)}",`;
  }
}

const EXTENSIONS: Record<Kind, string[]> = {
  source: ["ts", "ts", "ts", "js", "py", "go"],
  test: ["test.ts", "spec.js"],
  docs: ["md"],
  config: ["json", "yml"],
};

export function buildSyntheticDiff(options: SyntheticDiffOptions): SyntheticDiff {
  const random = seededRandom(options.seed ?? 1);
  const writer = new LineWriter(random);
  // Heavy-tailed file sizes, as in real PRs: most files change a little, a few change a lot.
  const weights = Array.from({ length: options.files }, () => Math.exp(2 * gaussian(random)));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  let budget = options.changedLines;
  const parts: string[] = [];
  let changedLines = 0;

  for (let f = 0; f < options.files; f++) {
    const remainingFiles = options.files - f;
    const share = f === options.files - 1 ? budget : Math.round((weights[f]! / totalWeight) * options.changedLines);
    const changes = Math.max(1, Math.min(share, budget - (remainingFiles - 1)));
    budget -= changes;
    changedLines += changes;
    parts.push(fileDiff(f, changes, writer));
  }
  const text = parts.join("");
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return { text, files: options.files, changedLines, lines };
}

function fileDiff(f: number, changes: number, w: LineWriter): string {
  const roll = w.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const kind: Kind = roll < 6 ? "source" : roll < 8 ? "test" : roll < 9 ? "docs" : "config";
  const top = kind === "source" ? "src" : kind === "test" ? "test" : kind === "docs" ? "docs" : "config";
  const path = `${top}/${w.pick(WORDS)}/${w.ident()}-${f}.${w.pick(EXTENSIONS[kind])}`;
  const statusRoll = w.int(100);
  const lines: string[] = [];

  if (statusRoll < 10) {
    // A new file: one hunk of additions only.
    lines.push(`diff --git a/${path} b/${path}`, "new file mode 100644", `index 0000000..${hex(w, 7)}`, "--- /dev/null", `+++ b/${path}`);
    lines.push(`@@ -0,0 +1,${changes} @@`);
    for (let i = 0; i < changes; i++) lines.push(`+${w.line(kind)}`);
    return lines.join("\n") + "\n";
  }
  const renamed = statusRoll < 13;
  const oldPath = renamed ? `${top}/old/${w.ident()}-${f}.${w.pick(EXTENSIONS[kind])}` : path;
  lines.push(`diff --git a/${oldPath} b/${path}`);
  if (renamed) lines.push("similarity index 90%", `rename from ${oldPath}`, `rename to ${path}`);
  lines.push(`index ${hex(w, 7)}..${hex(w, 7)} 100644`, `--- a/${oldPath}`, `+++ b/${path}`);

  let oldLine = 1 + w.int(40);
  let newLine = oldLine;
  let left = changes;
  while (left > 0) {
    const size = Math.min(left, 1 + w.int(30));
    left -= size;
    const deleted = Math.floor(size * (0.2 + 0.4 * w.pick([0, 0.5, 1])));
    const added = size - deleted;
    const before = Array.from({ length: 3 }, () => w.line(kind));
    const after = Array.from({ length: 3 }, () => w.line(kind));
    lines.push(`@@ -${oldLine},${deleted + 6} +${newLine},${added + 6} @@ ${w.ident()}`);
    for (const text of before) lines.push(` ${text}`);
    for (let i = 0; i < deleted; i++) lines.push(`-${w.line(kind)}`);
    for (let i = 0; i < added; i++) lines.push(`+${w.line(kind)}`);
    for (const text of after) lines.push(` ${text}`);
    const gap = 5 + w.int(120);
    oldLine += deleted + 6 + gap;
    newLine += added + 6 + gap;
  }
  return lines.join("\n") + "\n";
}

function hex(w: LineWriter, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += "0123456789abcdef"[w.int(16)];
  return text;
}

/** Box-Muller. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
