import picomatch from "picomatch";
/** Lockfiles, build output, vendored code and snapshots: big, machine-written, not worth a model's tokens. */
export const DEFAULT_EXCLUDE_GLOBS = [
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lock",
    "**/bun.lockb",
    "**/deno.lock",
    "**/Cargo.lock",
    "**/poetry.lock",
    "**/Pipfile.lock",
    "**/pdm.lock",
    "**/uv.lock",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/go.sum",
    "**/flake.lock",
    "**/Podfile.lock",
    "**/Package.resolved",
    "**/pubspec.lock",
    "**/mix.lock",
    "**/packages.lock.json",
    "**/gradle.lockfile",
    "**/dist/**",
    "**/build/**",
    "**/vendor/**",
    "**/node_modules/**",
    "**/*.min.*",
    "**/*.map",
    "**/__snapshots__/**",
    "**/*.snap",
];
/** Markers are looked for in this many lines at the top of the new file (Go puts them after a licence). */
export const GENERATED_MARKER_LINES = 30;
// Only comment lines count, so code that merely mentions a marker (like this file) is not "generated".
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*|#|--|;|<!--|%|"""|''')/;
const GENERATED_MARKER = /@generated\b|\bgenerated\b.*\bdo not edit\b|\bdo not edit\b.*\bgenerated\b/i;
/** Splits a PR's files into those worth reviewing and those skipped, with the reason for each. */
export function selectReviewableFiles(files, options = {}) {
    // picomatch throws on an empty pattern; a blank entry in a repo's config must not sink the review.
    const isExcluded = picomatch([...DEFAULT_EXCLUDE_GLOBS, ...nonEmpty(options.exclude)], { dot: true });
    const include = nonEmpty(options.include);
    const isIncluded = include.length > 0 ? picomatch(include, { dot: true }) : () => false;
    const reviewable = [];
    const skipped = [];
    for (const file of files) {
        const reason = skipReason(file, isExcluded, isIncluded(file.path));
        if (reason)
            skipped.push({ path: file.path, reason });
        else
            reviewable.push(file);
    }
    return { reviewable, skipped };
}
function skipReason(file, isExcluded, included) {
    if (file.binary)
        return "binary";
    if (file.status === "deleted")
        return "deleted";
    if (!included && isExcluded(file.path))
        return "excluded";
    if (!included && isGeneratedFile(file))
        return "generated";
    if (file.additions + file.deletions === 0)
        return file.status === "renamed" ? "rename-only" : "no-changes";
    return null;
}
function nonEmpty(globs) {
    return (globs ?? []).filter((glob) => glob.trim().length > 0);
}
/** True when the top of the new file, as far as the diff shows it, carries a generated-code marker. */
export function isGeneratedFile(file) {
    for (const hunk of file.hunks) {
        if (hunk.newStart > GENERATED_MARKER_LINES)
            break;
        for (const line of hunk.lines) {
            if (line.newLine === null)
                continue;
            if (line.newLine > GENERATED_MARKER_LINES)
                break;
            if (COMMENT_LINE.test(line.content) && GENERATED_MARKER.test(line.content))
                return true;
        }
    }
    return false;
}
