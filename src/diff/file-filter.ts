import { cutText } from "./cut-text.js";
import { compileGlobs } from "./match-glob.js";
import type { FileDiff } from "./types.js";

export type SkipReason = "binary" | "deleted" | "excluded" | "generated" | "rename-only" | "no-changes";

export interface SkippedFile {
  path: string;
  reason: SkipReason;
}

export interface FileFilterOptions {
  /** Globs of paths to skip, on top of `DEFAULT_EXCLUDE_GLOBS`. Default: none. */
  exclude?: string[];
  /**
   * Globs of paths to review even when an exclude glob or a generated-file marker would skip them.
   * Binary, deleted, rename-only and unchanged files are still skipped. Default: none.
   */
  include?: string[];
}

/** Lockfiles, build output, vendored code and snapshots: big, machine-written, not worth a model's tokens. */
export const DEFAULT_EXCLUDE_GLOBS: readonly string[] = [
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/bun.lock",
  "**/bun.lockb",
  "**/deno.lock",
  "**/Cargo.lock",
  "**/poetry.lock",
  "**/Pipfile.lock",
  "**/pdm.lock",
  "**/uv.lock",
  "**/Gemfile.lock",
  "**/composer.lock",
  "**/go.sum",
  "**/flake.lock",
  "**/Podfile.lock",
  "**/Package.resolved",
  "**/pubspec.lock",
  "**/mix.lock",
  "**/packages.lock.json",
  "**/gradle.lockfile",
  "**/dist/**",
  "**/build/**",
  "**/vendor/**",
  "**/node_modules/**",
  "**/*.min.*",
  "**/*.map",
  "**/__snapshots__/**",
  "**/*.snap",
];

/** Markers are looked for in this many lines at the top of the new file (Go puts them after a licence). */
export const GENERATED_MARKER_LINES = 30;

/**
 * Markers sit in short comments at the top of a file: a line is cut to this many characters before it
 * is scanned, so a megabyte-long first line (minified code) costs no more than a short one.
 */
export const GENERATED_MARKER_SCAN_CHARS = 500;

// Only comment lines count, so code that merely mentions a marker (like this file) is not "generated".
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*|#|--|;|<!--|%|"""|''')/;
// "generated" and "do not edit" in either order, as two literal searches: the former single pattern
// `generated.*do not edit|do not edit.*generated` rescanned the rest of the line for every "generated"
// it met, which is quadratic in the line's length.
const AT_GENERATED = /@generated\b/i;
const GENERATED_WORD = /\bgenerated\b/i;
const DO_NOT_EDIT = /\bdo not edit\b/i;

/** Splits a PR's files into those worth reviewing and those skipped, with the reason for each. */
export function selectReviewableFiles(
  files: readonly FileDiff[],
  options: FileFilterOptions = {},
): { reviewable: FileDiff[]; skipped: SkippedFile[] } {
  // The repository's globs against the PR's paths: matched in linear time (see match-glob.ts); blank
  // entries match nothing.
  const isExcluded = compileGlobs([...DEFAULT_EXCLUDE_GLOBS, ...(options.exclude ?? [])]);
  const isIncluded = compileGlobs(options.include ?? []);

  const reviewable: FileDiff[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const globPath = boundSegments(file.path);
    const reason = skipReason(file, () => isExcluded(globPath), isIncluded(globPath));
    if (reason) skipped.push({ path: file.path, reason });
    else reviewable.push(file);
  }
  return { reviewable, skipped };
}

function skipReason(file: FileDiff, isExcluded: () => boolean, included: boolean): SkipReason | null {
  if (file.binary) return "binary";
  if (file.status === "deleted") return "deleted";
  if (!included && isExcluded()) return "excluded";
  if (!included && isGeneratedFile(file)) return "generated";
  if (file.additions + file.deletions === 0) return file.status === "renamed" ? "rename-only" : "no-changes";
  return null;
}

/** File systems cap a path segment at 255 bytes; git does not, so a crafted diff can carry longer ones. */
export const MAX_GLOB_SEGMENT_CHARS = 255;

/**
 * The path with every longer segment cut to its first and last characters, `MAX_GLOB_SEGMENT_CHARS` in
 * all, for glob matching only: matching a segment costs its length times the glob's (match-glob.ts), and
 * every glob of the defaults and the repository's config is tried, so a megabyte-long file name would
 * still cost seconds. Keeping the end keeps the extension that most globs look at.
 */
function boundSegments(path: string): string {
  if (path.length <= MAX_GLOB_SEGMENT_CHARS) return path;
  const half = Math.floor(MAX_GLOB_SEGMENT_CHARS / 2);
  return path
    .split("/")
    .map((segment) => (segment.length <= MAX_GLOB_SEGMENT_CHARS ? segment : cutText(segment, half) + segment.slice(segment.length - (MAX_GLOB_SEGMENT_CHARS - half))))
    .join("/");
}


/** True when the top of the new file, as far as the diff shows it, carries a generated-code marker. */
export function isGeneratedFile(file: FileDiff): boolean {
  for (const hunk of file.hunks) {
    if (hunk.newStart > GENERATED_MARKER_LINES) break;
    for (const line of hunk.lines) {
      if (line.newLine === null) continue;
      if (line.newLine > GENERATED_MARKER_LINES) break;
      if (hasGeneratedMarker(cutText(line.content, GENERATED_MARKER_SCAN_CHARS))) return true;
    }
  }
  return false;
}

function hasGeneratedMarker(line: string): boolean {
  if (!COMMENT_LINE.test(line)) return false;
  return AT_GENERATED.test(line) || (GENERATED_WORD.test(line) && DO_NOT_EDIT.test(line));
}
