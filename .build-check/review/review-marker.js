import { createHash } from "node:crypto";
const MARKER_PATTERN = /<!--\s*codex-review:v1\s+([^>]*?)\s*-->/;
export function hashJobKey(jobKey) {
    return createHash("sha256").update(jobKey).digest("hex").slice(0, 16);
}
/** `<!-- codex-review:v1 head=<sha> job=<hash> fp=<a>,<b> -->` */
export function renderReviewMarker(marker) {
    const fingerprints = marker.fingerprints.length ? ` fp=${marker.fingerprints.join(",")}` : "";
    return `<!-- codex-review:v1 head=${marker.headSha} job=${marker.job}${fingerprints} -->`;
}
/** Reads the marker from a review body; null when the body has none or it is malformed. */
export function parseReviewMarker(body) {
    const match = body ? MARKER_PATTERN.exec(body) : null;
    if (!match?.[1])
        return null;
    const fields = new Map(match[1].split(/\s+/).map((pair) => {
        const at = pair.indexOf("=");
        return [pair.slice(0, at), pair.slice(at + 1)];
    }));
    const headSha = fields.get("head");
    const job = fields.get("job");
    if (!headSha || !/^[0-9a-f]{7,64}$/i.test(headSha) || !job)
        return null;
    const fingerprints = (fields.get("fp") ?? "").split(",").filter((fp) => /^[0-9a-f]{6,64}$/.test(fp));
    return { headSha, job, fingerprints };
}
