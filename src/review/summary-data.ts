import { z } from "zod";
import { cutText } from "../diff/cut-text.js";

/*
 * What the summary comment remembers between reviews, kept in the comment itself as a hidden marker
 * (`<!-- codex-review:summary data=<base64url JSON> -->`): the reviews of the PR with what each cost,
 * and the walkthrough so far. base64url, so no text inside (a path, a model summary) can end the HTML
 * comment early. Read back only from the app's own comment, and validated: a body someone edited, or
 * one an older version wrote, is read as empty history rather than trusted.
 */

export const SUMMARY_MARKER_TAG = "codex-review:summary";

/** Reviews listed one by one; older ones are folded into `earlier`. */
export const MAX_REVIEWS_KEPT = 30;
export const MAX_WALKTHROUGH_ENTRIES = 60;
export const MAX_PATHS_PER_ENTRY = 20;
export const MAX_ENTRY_SUMMARY_CHARS = 500;
/** Encoded size the data may take (GitHub's comment limit is 65,536 characters, the text needs room too). */
const MAX_ENCODED_CHARS = 24_000;

const Sha = z.string().regex(/^[0-9a-f]{7,64}$/);
const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Usd = z.number().nonnegative().finite();

export const SummaryReview = z.object({
  sha: Sha,
  /** The review's job hash (review-marker.ts): a retry of the same job is the same review. */
  job: z.string().regex(/^[0-9a-f]{1,64}$/),
  mode: z.enum(["full", "incremental"]).nullable(),
  /** Null when the review was found posted by an earlier attempt that did not record its cost. */
  usage: z.object({ inputTokens: Count, outputTokens: Count, usdSpent: Usd }).nullable(),
});
export type SummaryReview = z.infer<typeof SummaryReview>;

export const WalkthroughEntry = z.object({
  paths: z.array(z.string().min(1).max(1_000)).min(1).max(MAX_PATHS_PER_ENTRY),
  summary: z.string().max(MAX_ENTRY_SUMMARY_CHARS),
});
export type WalkthroughEntry = z.infer<typeof WalkthroughEntry>;

export const SummaryData = z.object({
  v: z.literal(1),
  reviews: z.array(SummaryReview).max(MAX_REVIEWS_KEPT),
  /** Reviews folded out of `reviews`, summed. */
  earlier: z.object({ count: Count, inputTokens: Count, outputTokens: Count, usdSpent: Usd }),
  walkthrough: z.array(WalkthroughEntry).max(MAX_WALKTHROUGH_ENTRIES),
});
export type SummaryData = z.infer<typeof SummaryData>;

export const EMPTY_SUMMARY_DATA: SummaryData = { v: 1, reviews: [], earlier: { count: 0, inputTokens: 0, outputTokens: 0, usdSpent: 0 }, walkthrough: [] };

/** The hidden marker ending the summary comment; `data` is cut (walkthrough entries from the end) to fit. */
export function renderSummaryMarker(data: SummaryData): string {
  let kept = data;
  let encoded = encode(kept);
  while (encoded.length > MAX_ENCODED_CHARS && kept.walkthrough.length > 0) {
    kept = { ...kept, walkthrough: kept.walkthrough.slice(0, Math.floor(kept.walkthrough.length / 2)) };
    encoded = encode(kept);
  }
  return `<!-- ${SUMMARY_MARKER_TAG} data=${encoded} -->`;
}

/**
 * Whether a comment body is a summary comment: it ENDS with the marker (its data may be unreadable; the
 * comment is still ours to edit). Text earlier in one of our comments (a path in a code span) can spell
 * a marker; it cannot end the body.
 */
export function isSummaryComment(body: string | null | undefined): boolean {
  return typeof body === "string" && SUMMARY_MARKER_AT_END.test(body.slice(-(MAX_ENCODED_CHARS + 100)));
}

const SUMMARY_MARKER_AT_END = new RegExp(`<!-- ${SUMMARY_MARKER_TAG} data=[A-Za-z0-9_-]* -->\\s*$`);

/** The data of the body's LAST summary marker; empty history when there is none or it does not validate. */
export function parseSummaryData(body: string | null | undefined): SummaryData {
  if (!body) return EMPTY_SUMMARY_DATA;
  const start = body.lastIndexOf(`<!-- ${SUMMARY_MARKER_TAG} data=`);
  if (start < 0) return EMPTY_SUMMARY_DATA;
  const from = start + `<!-- ${SUMMARY_MARKER_TAG} data=`.length;
  const end = body.indexOf(" -->", from);
  if (end < 0 || end - from > MAX_ENCODED_CHARS) return EMPTY_SUMMARY_DATA;
  try {
    const parsed = SummaryData.safeParse(JSON.parse(Buffer.from(body.slice(from, end), "base64url").toString("utf8")));
    return parsed.success ? parsed.data : EMPTY_SUMMARY_DATA;
  } catch {
    return EMPTY_SUMMARY_DATA;
  }
}

function encode(data: SummaryData): string {
  return Buffer.from(JSON.stringify(data), "utf8").toString("base64url");
}

/** This job's contribution to the summary's history. */
export interface SummaryUpdate {
  /** The review this job posted or found posted; none for a push with nothing new. */
  review?: SummaryReview;
  /** What this review's chunks said about their files; replaces what earlier reviews said about them. */
  walkthrough: readonly WalkthroughEntry[];
  /** The PR's files now, in diff order: entries about files no longer in the PR are dropped. */
  pullFiles: readonly string[];
}

/**
 * The history after this job. A review already listed (same job: a retry) keeps its first record,
 * unless that one had no cost and this one has. Pure.
 */
export function updateSummaryData(previous: SummaryData, update: SummaryUpdate): SummaryData {
  let reviews = previous.reviews;
  const { review } = update;
  if (review) {
    const listed = reviews.findIndex((entry) => entry.job === review.job && entry.sha === review.sha);
    if (listed < 0) reviews = [...reviews, review];
    else if (!reviews[listed]!.usage && review.usage) reviews = reviews.map((entry, i) => (i === listed ? review : entry));
  }
  const earlier = { ...previous.earlier };
  while (reviews.length > MAX_REVIEWS_KEPT) {
    const [oldest, ...rest] = reviews;
    earlier.count++;
    earlier.inputTokens += oldest!.usage?.inputTokens ?? 0;
    earlier.outputTokens += oldest!.usage?.outputTokens ?? 0;
    earlier.usdSpent += oldest!.usage?.usdSpent ?? 0;
    reviews = rest;
  }
  return { v: 1, reviews, earlier, walkthrough: mergeWalkthrough(previous.walkthrough, update.walkthrough, update.pullFiles) };
}

function mergeWalkthrough(previous: readonly WalkthroughEntry[], fresh: readonly WalkthroughEntry[], pullFiles: readonly string[]): WalkthroughEntry[] {
  const order = new Map(pullFiles.map((path, i) => [path, i]));
  const freshPaths = new Set(fresh.flatMap((entry) => entry.paths));
  const kept = [...previous.map((entry) => ({ ...entry, paths: entry.paths.filter((path) => !freshPaths.has(path)) })), ...fresh.map(cutEntry)]
    .map((entry) => ({ ...entry, paths: entry.paths.filter((path) => order.has(path)) }))
    .filter((entry) => entry.paths.length > 0);
  const position = (entry: WalkthroughEntry) => Math.min(...entry.paths.map((path) => order.get(path)!));
  return kept.sort((a, b) => position(a) - position(b)).slice(0, MAX_WALKTHROUGH_ENTRIES);
}

function cutEntry(entry: WalkthroughEntry): WalkthroughEntry {
  const paths = [...new Set(entry.paths)].filter((path) => path.length > 0 && path.length <= 1_000).slice(0, MAX_PATHS_PER_ENTRY);
  return { paths, summary: cutText(entry.summary.trim(), MAX_ENTRY_SUMMARY_CHARS) };
}
