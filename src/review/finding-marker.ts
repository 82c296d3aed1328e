import { findLastMarker, readMarkerFields } from "./find-last-marker.js";
import type { Severity } from "./types.js";

/**
 * The identity an inline comment carries across pushes, in a hidden marker at its end:
 * `<!-- codex-review:finding fp=<10 hex> sev=P1 head=<sha> -->`. A reply that reports the finding fixed
 * carries `<!-- codex-review:fixed fp=<10 hex> head=<sha> -->`, so a retried job finds its reply.
 *
 * The tags differ from the review marker's (`codex-review:v1`), so neither parser reads the other's
 * marker, and each reads the LAST marker of its body: model text before it (a title, a code span)
 * can spell a marker of its own, but ours is always appended after it.
 */
export interface FindingMarker {
  fingerprint: string;
  severity: Severity;
  /** Head SHA of the review that raised the finding. */
  headSha: string;
}

export interface FixedMarker {
  fingerprint: string;
  /** The head the finding was found fixed at (the commit the reply names). */
  headSha: string;
}

const FINDING_TAG = "codex-review:finding";
const FIXED_TAG = "codex-review:fixed";
const FINGERPRINT = /^[0-9a-f]{10}$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const SEVERITIES: readonly string[] = ["P0", "P1", "P2", "P3"];

export function renderFindingMarker(marker: FindingMarker): string {
  return `<!-- ${FINDING_TAG} fp=${marker.fingerprint} sev=${marker.severity} head=${marker.headSha} -->`;
}

/** The finding marker of a comment body; null when it has none or the last one is malformed. */
export function parseFindingMarker(body: string | null | undefined): FindingMarker | null {
  const content = body ? findLastMarker(body, FINDING_TAG) : null;
  if (!content) return null;
  const fields = readMarkerFields(content);
  const fingerprint = fields.get("fp") ?? "";
  const severity = fields.get("sev") ?? "";
  const headSha = fields.get("head") ?? "";
  if (!FINGERPRINT.test(fingerprint) || !SEVERITIES.includes(severity) || !SHA.test(headSha)) return null;
  return { fingerprint, severity: severity as Severity, headSha };
}

export function renderFixedMarker(marker: FixedMarker): string {
  return `<!-- ${FIXED_TAG} fp=${marker.fingerprint} head=${marker.headSha} -->`;
}

export function parseFixedMarker(body: string | null | undefined): FixedMarker | null {
  const content = body ? findLastMarker(body, FIXED_TAG) : null;
  if (!content) return null;
  const fields = readMarkerFields(content);
  const fingerprint = fields.get("fp") ?? "";
  const headSha = fields.get("head") ?? "";
  if (!FINGERPRINT.test(fingerprint) || !SHA.test(headSha)) return null;
  return { fingerprint, headSha };
}
