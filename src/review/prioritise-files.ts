/**
 * What a file is, for deciding what to review first when a per-PR cap cannot take every file:
 * source code carries the bugs, tests come next, documentation and configuration last.
 */
export type FileClass = "source" | "test" | "docs-config";

const CLASS_RANK: Record<FileClass, number> = { source: 0, test: 1, "docs-config": 2 };

const DOC_EXTENSIONS = new Set(["md", "mdx", "markdown", "rst", "txt", "adoc", "asciidoc", "org", "rdoc"]);
const DOC_NAMES = /^(?:readme|changelog|changes|history|license|licence|copying|notice|authors|contributors|contributing|code_of_conduct|security|codeowners)(?:\.[^/]*)?$/i;
const DOC_DIRS = /(?:^|\/)(?:docs?|documentation|man)\//i;

const TEST_DIRS = /(?:^|\/)(?:tests?|__tests__|specs?|__mocks__|e2e|testdata|testing|fixtures|__fixtures__)\//i;
// Matched against the file name only. No pattern has a run that can end at many places before a
// fixed tail: the former `\.test\.[^/]+$` on the whole path rescanned to the end from every ".test.".
const TEST_NAMES = [
  /\.(?:test|spec|e2e)\.[^]/i, // a.test.ts, a.spec.js
  /^test_.+\.py$/is, // test_a.py
  /_(?:test|spec)\.[^/.]+$/i, // a_test.go, a_spec.rb
  /(?:Tests?|IT)\.(?:java|kt|kts|scala|cs|swift|groovy)$/, // ATest.java, ATests.cs
];

const CONFIG_EXTENSIONS = new Set([
  "json", "jsonc", "json5", "yaml", "yml", "toml", "ini", "cfg", "conf", "properties", "env", "xml", "plist",
  "csv", "tsv", "lock", "editorconfig", "gitignore", "gitattributes", "npmignore", "dockerignore", "prettierrc",
  "eslintrc", "babelrc", "nvmrc", "npmrc", "node-version", "tool-versions", "browserslistrc",
]);

/** The class of a path. Docs go before tests (a README in a test folder is still docs); test data under a test folder is a test. */
export function classifyFile(path: string): FileClass {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const extension = extensionOf(name);
  if (DOC_EXTENSIONS.has(extension) || DOC_NAMES.test(name) || DOC_DIRS.test(path)) return "docs-config";
  if (TEST_DIRS.test(path) || TEST_NAMES.some((pattern) => pattern.test(name))) return "test";
  if (CONFIG_EXTENSIONS.has(extension)) return "docs-config";
  return "source";
}

/** `a.b.yml` -> `yml`; `.gitignore` -> `gitignore`; `Makefile` -> `` . */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

interface PrioritisedFile {
  path: string;
  additions: number;
  deletions: number;
}

/**
 * The files in the order a capped review should take them: source, then tests, then docs and config;
 * within a class the larger change first (more changed lines, more to get wrong); ties keep diff order.
 * Pure and stable; returns a new array.
 */
export function prioritiseFiles<T extends PrioritisedFile>(files: readonly T[]): T[] {
  const keyed = files.map((file, index) => ({ file, index, rank: CLASS_RANK[classifyFile(file.path)], size: file.additions + file.deletions }));
  keyed.sort((a, b) => a.rank - b.rank || b.size - a.size || a.index - b.index);
  return keyed.map((entry) => entry.file);
}
