import { renderCodeSpan } from "./neutralise-model-text.js";
import type { PullFinding } from "./pull-findings.js";
import { renderInline, severityBadge } from "./render-review.js";
import type { Severity } from "./types.js";

export const SEVERITIES: readonly Severity[] = ["P0", "P1", "P2", "P3"];

/** "2 P1, 1 P2", or "none" when every count is zero. */
export function renderSeverityCounts(counts: Record<Severity, number>): string {
  const parts = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`);
  return parts.length ? parts.join(", ") : "none";
}

/**
 * One finding as a Markdown list item: severity, place (a link to the comment when GitHub gave us one),
 * title. The title is model text and is posted inert like every other piece of it; the path is shown
 * in a code span, whatever characters a file name carries.
 */
export function renderFindingItem(finding: PullFinding, extra = ""): string {
  const place = renderCodeSpan(finding.line === null ? finding.path : `${finding.path}:${finding.line}`);
  const url = safeUrl(finding.url);
  const where = url ? `[${place}](${url})` : place;
  return `- ${severityBadge(finding.severity)} ${where} ${renderInline(finding.title)}${extra}`;
}

/**
 * The most severe findings first, at most `max` items, then a line saying how many more there are:
 * a PR with hundreds of open nits must not push the rest of the text past GitHub's size limits.
 */
export function renderFindingList(findings: readonly PullFinding[], max: number, extra: (finding: PullFinding) => string = () => ""): string {
  const sorted = [...findings].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  const lines = sorted.slice(0, max).map((finding) => renderFindingItem(finding, extra(finding)));
  if (sorted.length > max) lines.push(`- …and ${sorted.length - max} more`);
  return lines.join("\n");
}

/**
 * Only plain http(s) URLs with nothing that could end the Markdown link early or start another
 * construct; anything else is not linked. The URL comes from GitHub, but a finding list may be built
 * from text that passed through other hands.
 */
function safeUrl(url: string | null): string | null {
  if (!url || url.length > 500 || !/^https?:\/\/[^\s()<>[\]`"'\\]+$/.test(url)) return null;
  return url;
}
