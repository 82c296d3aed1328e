import type { FakeDiffFile, FakeDiffLine, FakeHunk } from "./github-diff.js";

/*
 * How GitHub judges `POST /pulls/:n/reviews`: one bad comment rejects the whole review with a 422.
 * The messages are GitHub's where we have seen them in the wild; the commit and length ones are ours.
 */

export const LINE_NOT_IN_DIFF = "Pull request review thread line must be part of the diff";
export const START_LINE_NOT_IN_HUNK = "Pull request review thread start line must be part of the same hunk as the line.";
export const PATH_NOT_RESOLVED = "Path could not be resolved";
export const COMMIT_NOT_IN_PULL = "Commit is not part of the pull request";
export const MAX_BODY_LENGTH = 65_536;

export type Side = "LEFT" | "RIGHT";
export type ReviewEvent = "APPROVE" | "REQUEST_CHANGES" | "COMMENT";

export interface AnchoredComment {
  path: string;
  body: string;
  line: number;
  side: Side;
  startLine: number | null;
  startSide: Side | null;
  position: number;
  /** GitHub's `diff_hunk`: the hunk from its header down to the commented line. */
  diffHunk: string;
}

export interface ValidReview {
  event: ReviewEvent | null;
  body: string;
  commitId: string;
  comments: AnchoredComment[];
}

export type ReviewValidation =
  | { ok: true; review: ValidReview }
  /** `invalid`: a schema error ("Invalid request."); `unprocessable`: GitHub's list of reasons. */
  | { ok: false; kind: "invalid"; message: string }
  | { ok: false; kind: "unprocessable"; errors: string[] };

const EVENTS: readonly string[] = ["APPROVE", "REQUEST_CHANGES", "COMMENT"];
const SIDES: readonly string[] = ["LEFT", "RIGHT"];

export function validateReview(payload: unknown, files: FakeDiffFile[], headSha: string): ReviewValidation {
  const invalid = (detail: string): ReviewValidation => ({ ok: false, kind: "invalid", message: `Invalid request.\n\n${detail}` });
  if (!isRecord(payload)) return invalid("Body must be a JSON object.");
  const { commit_id: commitId, body, event, comments } = payload;
  if (commitId !== undefined && typeof commitId !== "string") return invalid(`For 'properties/commit_id', ${JSON.stringify(commitId)} is not a string.`);
  if (body !== undefined && body !== null && typeof body !== "string") return invalid(`For 'properties/body', ${JSON.stringify(body)} is not a string.`);
  if (event !== undefined && !EVENTS.includes(event as string)) {
    return invalid(`For 'properties/event', ${JSON.stringify(event)} is not one of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].`);
  }
  if (comments !== undefined && !Array.isArray(comments)) return invalid(`For 'properties/comments', ${JSON.stringify(comments)} is not an array.`);
  for (const comment of (comments as unknown[] | undefined) ?? []) {
    const problem = commentSchemaProblem(comment);
    if (problem) return invalid(`For 'items', ${JSON.stringify(comment)} ${problem}`);
  }

  const errors = new Set<string>();
  if (commitId !== undefined && commitId !== headSha) errors.add(COMMIT_NOT_IN_PULL);
  if (typeof body === "string" && body.length > MAX_BODY_LENGTH) errors.add(`Body is too long (maximum is ${MAX_BODY_LENGTH} characters)`);
  const anchored: AnchoredComment[] = [];
  for (const comment of (comments as RawComment[] | undefined) ?? []) {
    const result = anchorComment(comment, files);
    if (typeof result === "string") errors.add(result);
    else anchored.push(result);
  }
  if (errors.size > 0) return { ok: false, kind: "unprocessable", errors: [toSentence([...errors])] };
  return {
    ok: true,
    review: { event: (event as ReviewEvent | undefined) ?? null, body: (body as string | null | undefined) ?? "", commitId: headSha, comments: anchored },
  };
}

interface RawComment {
  path: string;
  body: string;
  line?: number;
  side?: Side;
  start_line?: number;
  start_side?: Side;
  position?: number;
}

function commentSchemaProblem(comment: unknown): string | null {
  if (!isRecord(comment)) return "is not an object.";
  if (typeof comment.path !== "string") return "is missing the required key 'path'.";
  if (typeof comment.body !== "string") return "is missing the required key 'body'.";
  if (comment.line === undefined && comment.position === undefined) return "needs 'line' or 'position'.";
  for (const key of ["line", "start_line", "position"] as const) {
    if (comment[key] !== undefined && !Number.isInteger(comment[key])) return `has a non-integer '${key}'.`;
  }
  for (const key of ["side", "start_side"] as const) {
    if (comment[key] !== undefined && !SIDES.includes(comment[key] as string)) return `has '${key}' not one of ["LEFT", "RIGHT"].`;
  }
  return null;
}

function anchorComment(comment: RawComment, files: FakeDiffFile[]): AnchoredComment | string {
  const file = files.find((candidate) => candidate.filename === comment.path);
  if (!file) return PATH_NOT_RESOLVED;
  if (comment.body.length > MAX_BODY_LENGTH) return `Body is too long (maximum is ${MAX_BODY_LENGTH} characters)`;

  if (comment.line === undefined) {
    // Legacy `position`: counts lines of the file's patch; hunk headers are not commentable.
    const found = findByPosition(file.hunks, comment.position ?? 0);
    if (!found) return LINE_NOT_IN_DIFF;
    const side: Side = found.line.kind === "del" ? "LEFT" : "RIGHT";
    const line = (side === "LEFT" ? found.line.oldLine : found.line.newLine) as number;
    return anchored(comment, found.hunk, found.line, { line, side, startLine: null, startSide: null });
  }

  const side = comment.side ?? "RIGHT";
  const end = findLine(file.hunks, comment.line, side);
  if (!end) return LINE_NOT_IN_DIFF;
  if (comment.start_line === undefined) return anchored(comment, end.hunk, end.line, { line: comment.line, side, startLine: null, startSide: null });

  const startSide = comment.start_side ?? side;
  const start = findLine([end.hunk], comment.start_line, startSide);
  // A range must open above its end inside one hunk; GitHub gives the same reason for both failures.
  if (!start || start.index >= end.index) return START_LINE_NOT_IN_HUNK;
  return anchored(comment, end.hunk, end.line, { line: comment.line, side, startLine: comment.start_line, startSide });
}

function anchored(
  comment: RawComment,
  hunk: FakeHunk,
  line: FakeDiffLine,
  where: Pick<AnchoredComment, "line" | "side" | "startLine" | "startSide">,
): AnchoredComment {
  return {
    path: comment.path,
    body: comment.body,
    ...where,
    position: line.position,
    diffHunk: hunk.raw.slice(0, line.rawIndex + 1).join("\n"),
  };
}

/** RIGHT: added or context lines by new number; LEFT: deleted or context lines by old number. */
function findLine(hunks: FakeHunk[], number: number, side: Side): { hunk: FakeHunk; line: FakeDiffLine; index: number } | null {
  for (const hunk of hunks) {
    const index = hunk.lines.findIndex((line) =>
      side === "RIGHT" ? line.kind !== "del" && line.newLine === number : line.kind !== "add" && line.oldLine === number,
    );
    const line = hunk.lines[index];
    if (line) return { hunk, line, index };
  }
  return null;
}

function findByPosition(hunks: FakeHunk[], position: number): { hunk: FakeHunk; line: FakeDiffLine } | null {
  for (const hunk of hunks) {
    const line = hunk.lines.find((candidate) => candidate.position === position);
    if (line) return { hunk, line };
  }
  return null;
}

/** GitHub joins its reasons like Rails' `to_sentence`: "a and b", "a, b, and c". */
function toSentence(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? "";
  if (parts.length === 2) return `${parts[0]} and ${parts[1]}`;
  return `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
