export function buildAnchorMap(files) {
    const byPath = new Map();
    for (const file of files)
        byPath.set(file.path, indexFile(file));
    const find = (path, side, line) => {
        const file = byPath.get(path);
        return (side === "LEFT" ? file?.left : file?.right)?.get(line);
    };
    return {
        hasFile: (path) => byPath.has(path),
        isAnchorable: (path, side, line) => find(path, side, line) !== undefined,
        hunkIndexOf: (path, side, line) => find(path, side, line)?.hunkIndex ?? null,
        lineText: (path, side, line) => find(path, side, line)?.line.content ?? null,
        linesOfHunk: (path, hunkIndex) => byPath.get(path)?.hunks[hunkIndex] ?? null,
        hunkCount: (path) => byPath.get(path)?.hunks.length ?? 0,
    };
}
function indexFile(file) {
    const left = new Map();
    const right = new Map();
    file.hunks.forEach((hunk, hunkIndex) => {
        for (const line of hunk.lines) {
            // Context lines sit on both sides of the diff, but GitHub anchors them on RIGHT only.
            if (line.kind === "del" && line.oldLine !== null)
                left.set(line.oldLine, { hunkIndex, line });
            else if (line.kind !== "del" && line.newLine !== null)
                right.set(line.newLine, { hunkIndex, line });
        }
    });
    return { left, right, hunks: file.hunks.map((hunk) => hunk.lines) };
}
