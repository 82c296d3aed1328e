/**
 * How the model sees a diff. Every line carries the one anchor it may cite, so it never has to
 * work out line numbers itself:
 *
 *   FILE: src/a.ts (renamed from src/b.ts)
 *   @@ -10,3 +10,4 @@ function f
 *   R10  unchanged line      context: RIGHT, new-file line 10
 *   L11 -removed line        deleted: LEFT, old-file line 11
 *   R11 +added line          added:   RIGHT, new-file line 11
 *
 * Each rendered piece ends with "\n", so a chunk's text is the plain concatenation of its pieces and
 * the chunker can count every piece once and add the counts up.
 */
export const DIFF_FORMAT_LEGEND = "Each diff line is `<anchor> <sign><code>`. Anchor `R<n>` = new-file line n (cite side RIGHT, line n); " +
    "`L<n>` = old-file line n of a deleted line (cite side LEFT, line n). Sign: `+` added, `-` deleted, space unchanged. " +
    "The code starts right after the sign.";
export function renderFileHeader(file) {
    const notes = [];
    if (file.oldPath !== null && file.oldPath !== file.path)
        notes.push(`renamed from ${file.oldPath}`);
    if (file.status === "added")
        notes.push("new file");
    if (file.status === "deleted")
        notes.push("deleted file");
    return `FILE: ${file.path}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}\n`;
}
export function renderHunkHeader(hunk) {
    return `${hunk.header}\n`;
}
export function renderDiffLine(line) {
    return renderLineAnchor(line) + renderLineBody(line);
}
/**
 * `R12` / `L7`. The line's text splits into anchor and body exactly where the tokenizer splits it
 * too (digits, then a space-led piece), so their token counts add up to the line's.
 */
export function renderLineAnchor(line) {
    return line.kind === "del" ? `L${line.oldLine ?? "?"}` : `R${line.newLine ?? "?"}`;
}
/** ` +code\n`: everything after the anchor. */
export function renderLineBody(line) {
    const sign = line.kind === "add" ? "+" : line.kind === "del" ? "-" : " ";
    // A CR left over from a CRLF file would only cost tokens and confuse quotes.
    const content = line.content.endsWith("\r") ? line.content.slice(0, -1) : line.content;
    return ` ${sign}${content}\n`;
}
export function renderHunk(hunk) {
    let text = renderHunkHeader(hunk);
    for (const line of hunk.lines)
        text += renderDiffLine(line);
    return text;
}
/** A file (or the part of it that is in one chunk): header, then its hunks in order. */
export function renderFile(file) {
    let text = renderFileHeader(file);
    for (const hunk of file.hunks)
        text += renderHunk(hunk);
    return text;
}
export function renderFiles(files) {
    return files.map(renderFile).join("");
}
