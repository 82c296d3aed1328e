/**
 * Joins the chunks' reviews. Slices of an oversized hunk overlap by a few lines, so two chunks can
 * report the same finding; identical ones (same place, severity and title) are kept once.
 */
export function mergeChunkReviews(reviews) {
    const seen = new Set();
    const findings = [];
    for (const review of reviews) {
        for (const finding of review.findings) {
            const key = [finding.path, finding.side, finding.line, finding.startLine, finding.severity, finding.title.trim().toLowerCase()].join("\0");
            if (seen.has(key))
                continue;
            seen.add(key);
            findings.push(finding);
        }
    }
    return { summaries: reviews.map((review) => review.summary.trim()).filter((summary) => summary.length > 0), findings };
}
