/**
 * Rebuilds a unified diff from the PR files listing, the fallback when GitHub refuses the whole diff.
 * Files whose patch GitHub omits (too large, binary) are returned as not reviewable.
 */
export function diffFromFileList(files) {
    const parts = [];
    const unreviewable = [];
    for (const file of files) {
        if (file.patch === undefined) {
            if (file.status !== "removed")
                unreviewable.push({ path: file.filename, reason: "GitHub sent no patch for it" });
            continue;
        }
        const oldPath = file.previous_filename ?? file.filename;
        const header = [`diff --git a/${oldPath} b/${file.filename}`];
        if (file.status === "renamed")
            header.push(`rename from ${oldPath}`, `rename to ${file.filename}`);
        header.push(file.status === "added" ? "--- /dev/null" : `--- a/${oldPath}`);
        header.push(file.status === "removed" ? "+++ /dev/null" : `+++ b/${file.filename}`);
        parts.push(`${header.join("\n")}\n${file.patch}\n`);
    }
    return { diff: parts.join(""), unreviewable };
}
