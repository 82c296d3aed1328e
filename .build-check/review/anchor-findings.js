import { renderComment } from "./render-review.js";
/**
 * Places each finding on a line GitHub accepts: the cited line when the diff has it and its quote (if
 * any) agrees; else the nearest line within `quoteWindow` whose code matches the quote; else, for a
 * LEFT citation of an unchanged line, that line on RIGHT. Ranges are kept inside the anchor's hunk or
 * dropped. Everything else is returned as unanchored.
 */
export function anchorFindings(findings, anchors, options = {}) {
    const window = options.quoteWindow ?? 10;
    const comments = [];
    const unanchored = [];
    const seen = new Set();
    for (const finding of findings) {
        const path = resolvePath(finding.path, anchors);
        const target = path === null ? null : locate(finding, path, anchors, window);
        if (path === null || target === null) {
            unanchored.push(finding);
            continue;
        }
        // Findings from overlapping chunks, or two off-by-some citations, can land on the same spot.
        const key = `${path}\0${target.side}\0${target.line}\0${finding.title.trim().toLowerCase()}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        const start = rangeStart(finding, path, target, anchors);
        const placed = {
            path,
            line: target.line,
            side: target.side,
            ...(start === null ? {} : { start_line: start, start_side: target.side }),
        };
        comments.push({ finding, comment: { ...placed, body: renderComment(finding, placed) } });
    }
    return { comments, unanchored };
}
/** The diff's spelling of a path the model may have written as `./x`, `b/x` or `/x`. */
function resolvePath(path, anchors) {
    if (anchors.hasFile(path))
        return path;
    const bare = path.replace(/^(?:\.\/|[ab]\/|\/)/, "");
    return bare !== path && anchors.hasFile(bare) ? bare : null;
}
function locate(finding, path, anchors, window) {
    const quote = quoteLine(finding);
    const citedHunk = anchors.hunkIndexOf(path, finding.side, finding.line);
    if (citedHunk !== null) {
        const text = anchors.lineText(path, finding.side, finding.line);
        if (quote === null || (text !== null && matchesQuote(text, quote))) {
            return { side: finding.side, line: finding.line, hunk: citedHunk, shift: 0 };
        }
    }
    if (quote !== null) {
        const moved = nearestQuoteMatch(finding, path, quote, anchors, window);
        if (moved)
            return moved;
    }
    if (citedHunk !== null)
        return { side: finding.side, line: finding.line, hunk: citedHunk, shift: 0 };
    return finding.side === "LEFT" ? contextLineOnRight(path, finding.line, anchors) : null;
}
/** The quoted line that should sit on `line`: the last of a range's quote, else the first. */
function quoteLine(finding) {
    const lines = (finding.quote ?? "").split("\n").map(normalise).filter((line) => line.length > 0);
    const line = finding.startLine === null ? lines[0] : lines.at(-1);
    return line ?? null;
}
function normalise(code) {
    return code.trim().replace(/\s+/g, " ");
}
/** Whole-line match, or a fragment long enough not to match half the file. */
function matchesQuote(lineText, quote) {
    const text = normalise(lineText);
    return text === quote || (quote.length >= 4 && text.includes(quote));
}
function anchorOf(line) {
    if (line.kind === "del")
        return line.oldLine === null ? null : { side: "LEFT", line: line.oldLine };
    return line.newLine === null ? null : { side: "RIGHT", line: line.newLine };
}
function nearestQuoteMatch(finding, path, quote, anchors, window) {
    let best = null;
    for (let hunk = 0; hunk < anchors.hunkCount(path); hunk++) {
        // A line's position on the cited side; a line missing from that side sits just after the previous one.
        let lastOld = 0;
        let lastNew = 0;
        for (const line of anchors.linesOfHunk(path, hunk) ?? []) {
            lastOld = line.oldLine ?? lastOld;
            lastNew = line.newLine ?? lastNew;
            const own = finding.side === "LEFT" ? line.oldLine : line.newLine;
            const position = own ?? (finding.side === "LEFT" ? lastOld : lastNew) + 0.5;
            const distance = Math.abs(position - finding.line);
            const anchor = anchorOf(line);
            if (distance > window || anchor === null || !matchesQuote(line.content, quote))
                continue;
            const exact = normalise(line.content) === quote;
            if (best === null || distance < best.distance || (distance === best.distance && exact && !best.exact)) {
                const shift = anchor.side === finding.side ? anchor.line - finding.line : null;
                best = { target: { ...anchor, hunk, shift }, distance, exact };
            }
        }
    }
    return best?.target ?? null;
}
/** GitHub anchors unchanged lines on RIGHT only; a LEFT citation of one means the same line there. */
function contextLineOnRight(path, oldLine, anchors) {
    for (let hunk = 0; hunk < anchors.hunkCount(path); hunk++) {
        for (const line of anchors.linesOfHunk(path, hunk) ?? []) {
            if (line.kind === "context" && line.oldLine === oldLine && line.newLine !== null) {
                return { side: "RIGHT", line: line.newLine, hunk, shift: null };
            }
        }
    }
    return null;
}
/** The range start GitHub accepts: same side, same hunk, before `line`; clamped into the hunk or null. */
function rangeStart(finding, path, target, anchors) {
    if (finding.startLine === null || target.shift === null)
        return null;
    const start = finding.startLine + target.shift;
    if (start >= target.line)
        return null;
    if (anchors.hunkIndexOf(path, target.side, start) === target.hunk)
        return start;
    // The first line of the hunk on this side at or after `start`: clamps a start above the hunk.
    let clamped = null;
    for (const line of anchors.linesOfHunk(path, target.hunk) ?? []) {
        const anchor = anchorOf(line);
        if (anchor === null || anchor.side !== target.side || anchor.line < start || anchor.line >= target.line)
            continue;
        if (clamped === null || anchor.line < clamped)
            clamped = anchor.line;
    }
    return clamped;
}
