import { anchorFindings } from "./anchor-findings.js";
import { fingerprintFinding } from "./finding-fingerprint.js";
import { mergeChunkReviews } from "./merge-chunk-reviews.js";
import { renderReviewBody } from "./render-review.js";
import { renderReviewMarker } from "./review-marker.js";
const SEVERITY_RANK = { P0: 0, P1: 1, P2: 2, P3: 3 };
/** Turns the chunks' results into the one review to post: anchored comments plus a body. Pure. */
export function assembleReview(options) {
    const { results, plan, headSha } = options;
    const usage = sumUsage(results);
    const failedChunks = results.flatMap((result) => result.ok ? [] : [{ paths: result.chunk.files.map((file) => file.path), reason: result.error }]);
    const { summaries, findings } = mergeChunkReviews(results.flatMap((result) => (result.ok ? [result.review] : [])));
    const wanted = findings.filter((finding) => SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[options.severityThreshold]);
    const anchored = anchorFindings(wanted, plan.anchors);
    // Repeats of what an earlier review posted are dropped, wherever they would have gone.
    const posted = options.postedFingerprints ?? new Set();
    const fingerprintOf = (finding) => fingerprintFinding(finding, lineTextOf(plan.anchors, finding));
    const fresh = anchored.comments.filter((entry) => !posted.has(fingerprintOf(placedFinding(entry))));
    const freshUnanchored = anchored.unanchored.filter((finding) => !posted.has(fingerprintOf(finding)));
    const repeatedFindings = anchored.comments.length - fresh.length + anchored.unanchored.length - freshUnanchored.length;
    // The most severe findings get the inline slots; the rest are listed in the body.
    const ranked = [...fresh].sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity]);
    const inline = ranked.slice(0, options.maxComments);
    const overflow = ranked.slice(options.maxComments).map(placedFinding);
    const unanchored = [...freshUnanchored, ...overflow];
    const fingerprints = [...inline.map((entry) => fingerprintOf(placedFinding(entry))), ...unanchored.map(fingerprintOf)];
    const common = {
        summaries,
        skippedFiles: plan.skipped,
        failedChunks,
        usage,
        headSha,
        model: options.model,
        marker: renderReviewMarker({ headSha, job: options.jobHash, fingerprints: [...new Set(fingerprints)] }),
    };
    return {
        body: renderReviewBody({ ...common, unanchored, commentCount: inline.length }),
        fallbackBody: renderReviewBody({ ...common, unanchored: [...inline.map(placedFinding), ...unanchored], commentCount: 0 }),
        comments: inline.map((entry) => entry.comment),
        bodyOnlyFindings: unanchored.length,
        repeatedFindings,
        fingerprints,
        severityCounts: countSeverities([...inline.map((entry) => entry.finding), ...unanchored]),
        usage,
    };
}
function countSeverities(findings) {
    const counts = { P0: 0, P1: 0, P2: 0, P3: 0 };
    for (const finding of findings)
        counts[finding.severity]++;
    return counts;
}
/** A finding where it was anchored, for listing in the body. */
function placedFinding({ finding, comment }) {
    return { ...finding, line: comment.line, side: comment.side };
}
function lineTextOf(anchors, finding) {
    return anchors.lineText(finding.path, finding.side, finding.line) ?? finding.quote;
}
function sumUsage(results) {
    const total = { inputTokens: 0, outputTokens: 0, usdSpent: 0 };
    for (const result of results) {
        if (!result.ok)
            continue;
        total.inputTokens += result.usage.inputTokens;
        total.outputTokens += result.usage.outputTokens;
        total.usdSpent += result.usage.usdSpent;
    }
    return total;
}
