import { createHash } from "node:crypto";
import type { ReviewVerdict } from "./review-verdict.js";

/** Hidden facts a posted review carries so later jobs can find the app's own earlier work. */
export interface ReviewMarker {
  headSha: string;
  /** Hash of the job key: a retry of the same job finds its own review and does not post again. */
  job: string;
  /** Fingerprints of the findings the review posted, so a later review does not repeat them. */
  fingerprints: string[];
  /**
   * Short hashes (see hashPath) of the files the review could not cover (caps, failed chunks), so the
   * next incremental review takes them in. Absent from markers posted before it existed: read as none.
   */
  uncovered: string[];
  /** The check-run conclusion the review earned; absent in reviews posted before it was recorded. */
  verdict?: ReviewVerdict;
}

/** The most uncovered files a marker lists (about 3.6 KB); past that, the least important are not carried. */
export const MAX_UNCOVERED_IN_MARKER = 400;

const MARKER_TAG = "codex-review:v1";

export function hashJobKey(jobKey: string): string {
  return createHash("sha256").update(jobKey).digest("hex").slice(0, 16);
}

/** 8 hex digits of a path's SHA-256: enough to tell one PR's files apart, short enough for hundreds in a marker. */
export function hashPath(path: string): string {
  return createHash("sha256").update(path).digest("hex").slice(0, 8);
}

/** `<!-- codex-review:v1 head=<sha> job=<hash> fp=<a>,<b> unc=<c>,<d> verdict=<success|neutral> -->` */
export function renderReviewMarker(marker: Omit<ReviewMarker, "uncovered"> & { uncovered?: string[] }): string {
  const fingerprints = marker.fingerprints.length ? ` fp=${marker.fingerprints.join(",")}` : "";
  const uncovered = marker.uncovered?.length ? ` unc=${marker.uncovered.slice(0, MAX_UNCOVERED_IN_MARKER).join(",")}` : "";
  const verdict = marker.verdict ? ` verdict=${marker.verdict}` : "";
  return `<!-- codex-review:v1 head=${marker.headSha} job=${marker.job}${fingerprints}${uncovered}${verdict} -->`;
}

/** Reads the marker from a review body; null when the body has none or it is malformed. */
export function parseReviewMarker(body: string | null | undefined): ReviewMarker | null {
  const content = body ? findMarkerContent(body) : null;
  if (!content) return null;
  const fields = new Map(
    content.split(/\s+/).map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const headSha = fields.get("head");
  const job = fields.get("job");
  if (!headSha || !/^[0-9a-f]{7,64}$/i.test(headSha) || !job) return null;
  const fingerprints = (fields.get("fp") ?? "").split(",").filter((fp) => /^[0-9a-f]{6,64}$/.test(fp));
  const uncovered = (fields.get("unc") ?? "").split(",").filter((hash) => /^[0-9a-f]{8}$/.test(hash));
  // Fields this version does not know, or values it cannot read, are ignored rather than voiding the marker.
  const verdict = fields.get("verdict");
  return { headSha, job, fingerprints, uncovered, ...(verdict === "success" || verdict === "neutral" ? { verdict } : {}) };
}

const isBlank = (char: string | undefined) => char !== undefined && char.trim() === "";

/**
 * The fields of the LAST `<!-- codex-review:v1 ... -->` in `body`, trimmed, each marker read as
 * `/<!--\s*codex-review:v1\s+([^>]*?)\s*-->/` would capture it, by a scan that reads each character a
 * bounded number of times (the pattern was quadratic on a crafted body). The last one, because the
 * app ends its body with its marker while text before it can carry a copied one: a file name listed
 * under "Not reviewed" can spell a marker for another head with `verdict=success`.
 */
function findMarkerContent(body: string): string | null {
  let found: string | null = null;
  let nextClose = -1; // the first ">" at or after the current marker's fields; shared by later markers
  for (let open = body.indexOf("<!--"); open >= 0; open = body.indexOf("<!--", open + 1)) {
    let tag = open + 4;
    while (isBlank(body[tag])) tag++;
    if (!body.startsWith(MARKER_TAG, tag)) continue;
    const fieldsStart = tag + MARKER_TAG.length;
    if (!isBlank(body[fieldsStart])) continue;
    if (nextClose < fieldsStart) nextClose = body.indexOf(">", fieldsStart);
    if (nextClose < 0) return found; // no ">" left: no later marker can close either
    if (body.startsWith("--", nextClose - 2) && nextClose - 2 > fieldsStart) found = body.slice(fieldsStart, nextClose - 2).trim();
  }
  return found;
}
