import type { Logger } from "pino";
import type { AnchorMap } from "../diff/anchor-map.js";
import type { RepositoryReader } from "../repository/repository-reader.js";
import type { ChunkResult } from "../review/assemble-review.js";
import { blobUrlOf, outOfDiffKey, type OutOfDiffLines } from "../review/out-of-diff.js";
import type { Finding } from "../review/types.js";
import { readHeadTexts } from "./read-head-texts.js";

/**
 * What the review body needs to link findings outside the diff: the head's blob URL on the GitHub the app
 * talks to (`webUrl`, GHES included), and the cited lines that exist there.
 */
export async function checkOutOfDiff(
  results: readonly ChunkResult[],
  anchors: AnchorMap,
  reader: RepositoryReader,
  known: ReadonlyMap<string, string>,
  where: { webUrl: string; owner: string; repo: string; headSha: string },
  log: Logger,
): Promise<OutOfDiffLines> {
  const findings = results.flatMap((result) => (result.ok ? result.review.findings : []));
  const verified = await verifyOutOfDiffLines(findings, anchors, reader, known, log);
  return { blobUrl: blobUrlOf(where.webUrl, where.owner, where.repo, where.headSha), verified };
}

/** Files read at most to check findings outside the diff; the rest are listed without a link. */
const MAX_FILES_CHECKED = 50;

/**
 * The lines that findings cite outside the diff (side RIGHT, not a diff line) and that exist in the file
 * at the head, with their text. `known` holds texts already read (for widening), so they are not read twice.
 */
export async function verifyOutOfDiffLines(
  findings: readonly Finding[],
  anchors: AnchorMap,
  reader: RepositoryReader,
  known: ReadonlyMap<string, string>,
  log: Logger,
): Promise<Map<string, string>> {
  const cited = findings.filter((finding) => finding.side === "RIGHT" && !anchors.isAnchorable(finding.path, "RIGHT", finding.line));
  const unread = [...new Set(cited.map((finding) => finding.path).filter((path) => !known.has(path)))].slice(0, MAX_FILES_CHECKED);
  const texts = new Map([...known, ...(await readHeadTexts(reader, unread, log))]);
  const verified = new Map<string, string>();
  const linesOf = new Map<string, string[]>();
  for (const finding of cited) {
    const text = texts.get(finding.path);
    if (text === undefined) continue;
    let lines = linesOf.get(finding.path);
    if (!lines) linesOf.set(finding.path, (lines = text.split("\n")));
    const line = lines[finding.line - 1];
    // A final newline does not make one more line.
    if (line === undefined || (finding.line === lines.length && line === "")) continue;
    verified.set(outOfDiffKey(finding.path, finding.line), line.endsWith("\r") ? line.slice(0, -1) : line);
  }
  return verified;
}
