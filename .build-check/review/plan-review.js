import { buildAnchorMap } from "../diff/anchor-map.js";
import { selectReviewableFiles } from "../diff/file-filter.js";
import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import { chunkDiff } from "./chunk-diff.js";
import { prioritiseFiles } from "./prioritise-files.js";
const FILTER_REASON = {
    binary: "binary file",
    deleted: "deleted file",
    excluded: "matches an exclude glob",
    generated: "generated file",
    "rename-only": "renamed without changes",
    "no-changes": "no changed lines",
};
/**
 * Parse, filter, prioritise, cap and chunk a PR's diff: everything between fetching the diff and
 * calling the model. Caps cut in priority order (source > tests > docs/config, larger changes first),
 * so what they leave out is the least important part of the PR. Pure.
 */
export function planReview(diffText, settings, options = {}) {
    const { extraSkipped = [], anchorDiffText } = options;
    const parsed = parseUnifiedDiff(diffText);
    const { reviewable, skipped: filtered } = selectReviewableFiles(parsed, { exclude: settings.exclude, include: settings.include ?? [] });
    const ordered = prioritiseFiles(reviewable);
    const capped = [];
    const files = ordered.slice(0, settings.maxFiles);
    for (const file of ordered.slice(settings.maxFiles)) {
        capped.push({ path: file.path, reason: `over the per-PR cap of ${settings.maxFiles} files` });
    }
    const tokenChunks = Math.floor(settings.maxInputTokens / settings.chunkTokens);
    const maxChunks = Math.max(1, Math.min(settings.maxChunks, tokenChunks));
    const cap = tokenChunks < settings.maxChunks
        ? `the per-PR cap of ${settings.maxInputTokens.toLocaleString("en-US")} input tokens`
        : `the per-PR cap of ${settings.maxChunks} chunk${settings.maxChunks === 1 ? "" : "s"}`;
    const { chunks, skipped: overBudget, partial } = chunkDiff(files, { budgetTokens: settings.chunkTokens, maxChunks });
    for (const path of partial)
        capped.push({ path, reason: `only its beginning was reviewed: over ${cap}` });
    for (const path of overBudget)
        capped.push({ path, reason: `over ${cap}` });
    const skipped = [...extraSkipped, ...capped, ...filtered.map(({ path, reason }) => ({ path, reason: FILTER_REASON[reason] }))];
    const anchors = buildAnchorMap(anchorDiffText === undefined ? files : parseUnifiedDiff(anchorDiffText));
    return { files, chunks, skipped, anchors };
}
