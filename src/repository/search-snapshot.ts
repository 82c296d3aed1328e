import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { compileGlobs } from "../diff/match-glob.js";
import { looksBinary } from "./detect-binary.js";
import type { CodeMatch, SearchCodeResult } from "./repository-reader.js";

/** Bounds of one search, so a query that matches everywhere costs what a narrow one does. */
export const SEARCH_LIMITS = {
  /** Files larger than this are skipped (generated bundles, data). */
  fileBytes: 1024 * 1024,
  /** Matches counted past `maxMatches` at most; `omitted` is then a lower bound. */
  countedBeyond: 1_000,
  /** Bytes read at most per search. */
  scannedBytes: 256 * 1024 * 1024,
  /** Characters of a matching line returned (minified code has megabyte lines). */
  lineChars: 400,
};

/**
 * Literal, case-sensitive substring search over the text files of a tree, walked in sorted order so the
 * output is deterministic. Symlinks are not followed, `.git` and binaries are skipped.
 */
export async function searchSnapshot(root: string, query: string, pathGlob: string | null, maxMatches: number): Promise<SearchCodeResult> {
  const matches: CodeMatch[] = [];
  if (query === "") return { kind: "matches", matches, omitted: 0 };
  // The glob is the model's and the paths the PR's: matched in linear time (see match-glob.ts).
  const inGlob = pathGlob ? compileGlobs([pathGlob]) : () => true;
  let counted = 0;
  let scanned = 0;
  const countCap = maxMatches + SEARCH_LIMITS.countedBeyond;
  for await (const path of walkFiles(root, "")) {
    if (!inGlob(path)) continue;
    const text = await readText(join(root, path));
    if (text === null) continue;
    scanned += text.length;
    let lineNumber = 0;
    for (const line of text.split("\n")) {
      lineNumber++;
      if (!line.includes(query)) continue;
      counted++;
      if (matches.length < maxMatches) matches.push({ path, line: lineNumber, text: line.replace(/\r$/, "").slice(0, SEARCH_LIMITS.lineChars) });
      if (counted >= countCap) break;
    }
    if (counted >= countCap || scanned >= SEARCH_LIMITS.scannedBytes) break;
  }
  return { kind: "matches", matches, omitted: counted - matches.length };
}

/** Regular files under `folder`, depth first in name order; symlinks are not followed, `.git` is skipped. */
async function* walkFiles(root: string, folder: string): AsyncGenerator<string> {
  const dirents = (await readdir(join(root, folder), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of dirents) {
    const path = folder === "" ? dirent.name : `${folder}/${dirent.name}`;
    if (dirent.isDirectory() && dirent.name !== ".git") yield* walkFiles(root, path);
    else if (dirent.isFile()) yield path;
  }
}

/** The file's text, or null when it is binary or too large to search. */
async function readText(path: string): Promise<string | null> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size > SEARCH_LIMITS.fileBytes) return null;
    const bytes = await handle.readFile();
    return looksBinary(bytes) ? null : bytes.toString("utf8");
  } finally {
    await handle.close();
  }
}
