import { createHash } from "node:crypto";
import { findLastMarker, readMarkerFields } from "./find-last-marker.js";
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
  const content = body ? findLastMarker(body, MARKER_TAG) : null;
  if (!content) return null;
  const fields = readMarkerFields(content);
  const headSha = fields.get("head");
  const job = fields.get("job");
  if (!headSha || !/^[0-9a-f]{7,64}$/i.test(headSha) || !job) return null;
  const fingerprints = (fields.get("fp") ?? "").split(",").filter((fp) => /^[0-9a-f]{6,64}$/.test(fp));
  const uncovered = (fields.get("unc") ?? "").split(",").filter((hash) => /^[0-9a-f]{8}$/.test(hash));
  // Fields this version does not know, or values it cannot read, are ignored rather than voiding the marker.
  const verdict = fields.get("verdict");
  return { headSha, job, fingerprints, uncovered, ...(verdict === "success" || verdict === "neutral" ? { verdict } : {}) };
}
