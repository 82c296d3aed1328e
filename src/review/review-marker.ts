import { createHash } from "node:crypto";
import type { ReviewVerdict } from "./review-verdict.js";

/** Hidden facts a posted review carries so later jobs can find the app's own earlier work. */
export interface ReviewMarker {
  headSha: string;
  /** Hash of the job key: a retry of the same job finds its own review and does not post again. */
  job: string;
  /** Fingerprints of the findings the review posted, so a later review does not repeat them. */
  fingerprints: string[];
  /** The check-run conclusion the review earned; absent in reviews posted before it was recorded. */
  verdict?: ReviewVerdict;
}

const MARKER_PATTERN = /<!--\s*codex-review:v1\s+([^>]*?)\s*-->/;

export function hashJobKey(jobKey: string): string {
  return createHash("sha256").update(jobKey).digest("hex").slice(0, 16);
}

/** `<!-- codex-review:v1 head=<sha> job=<hash> fp=<a>,<b> verdict=<success|neutral> -->` */
export function renderReviewMarker(marker: ReviewMarker): string {
  const fingerprints = marker.fingerprints.length ? ` fp=${marker.fingerprints.join(",")}` : "";
  const verdict = marker.verdict ? ` verdict=${marker.verdict}` : "";
  return `<!-- codex-review:v1 head=${marker.headSha} job=${marker.job}${fingerprints}${verdict} -->`;
}

/** Reads the marker from a review body; null when the body has none or it is malformed. */
export function parseReviewMarker(body: string | null | undefined): ReviewMarker | null {
  const match = body ? MARKER_PATTERN.exec(body) : null;
  if (!match?.[1]) return null;
  const fields = new Map(
    match[1].split(/\s+/).map((pair) => {
      const at = pair.indexOf("=");
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  const headSha = fields.get("head");
  const job = fields.get("job");
  if (!headSha || !/^[0-9a-f]{7,64}$/i.test(headSha) || !job) return null;
  const fingerprints = (fields.get("fp") ?? "").split(",").filter((fp) => /^[0-9a-f]{6,64}$/.test(fp));
  // Fields this version does not know, or values it cannot read, are ignored rather than voiding the marker.
  const verdict = fields.get("verdict");
  return { headSha, job, fingerprints, ...(verdict === "success" || verdict === "neutral" ? { verdict } : {}) };
}
