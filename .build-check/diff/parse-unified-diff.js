import parseDiff from "parse-diff";
/**
 * Parses a unified diff as GitHub returns it (`application/vnd.github.v3.diff`) into files.
 *
 * parse-diff reads the hunks; around it we fix what it gets wrong or ignores: `\ No newline at end
 * of file` markers (it turns them into changes), CRLF (it leaves `\r` in content), C-quoted paths
 * (it leaves `\303\251` escapes), renames (no status), binary files (no flag), and a mid-hunk `diff
 * --git` of a miscounted hunk (it swallows the next file). Never throws: bad input yields [] or the
 * files that could be read.
 */
export function parseUnifiedDiff(text) {
    if (typeof text !== "string" || text.length === 0)
        return [];
    const lines = text.split("\n").map(stripCarriageReturn);
    if (lines.at(-1) === "")
        lines.pop(); // the final newline, not an empty context line
    const starts = [];
    lines.forEach((line, index) => {
        if (line.startsWith("diff --git "))
            starts.push(index);
    });
    if (starts.length === 0)
        return parsePlainDiff(lines);
    const files = [];
    starts.forEach((start, i) => {
        const file = parseGitSegment(lines.slice(start, starts[i + 1] ?? lines.length));
        if (file)
            files.push(file);
    });
    return files;
}
const DEV_NULL = "/dev/null";
/** One `diff --git` section: extended headers read here, hunks by parse-diff. */
function parseGitSegment(lines) {
    try {
        const header = readGitHeader(lines);
        const hunks = header.binary ? [] : parseHunks(lines);
        const oldPath = header.renameFrom ?? header.copyFrom ?? nonNull(header.minus) ?? header.diffOld;
        const newPath = header.renameTo ?? header.copyTo ?? nonNull(header.plus) ?? header.diffNew;
        const deleted = header.deletedFile || header.plus === DEV_NULL;
        const added = header.newFile || header.minus === DEV_NULL || header.copyTo !== null;
        const path = deleted ? oldPath : newPath;
        if (!path)
            return null;
        let status = "modified";
        if (deleted)
            status = "deleted";
        else if (added)
            status = "added";
        else if (header.renameTo !== null || (oldPath !== null && oldPath !== newPath))
            status = "renamed";
        // A copy keeps its source as oldPath: its hunks are relative to that file.
        const keepOldPath = !deleted && oldPath !== null && oldPath !== path;
        return buildFileDiff(path, keepOldPath ? oldPath : null, status, header.binary, hunks);
    }
    catch {
        return null;
    }
}
function readGitHeader(lines) {
    const [diffOld, diffNew] = parseDiffGitLine(lines[0] ?? "");
    const header = {
        diffOld,
        diffNew,
        minus: null,
        plus: null,
        renameFrom: null,
        renameTo: null,
        copyFrom: null,
        copyTo: null,
        newFile: false,
        deletedFile: false,
        binary: false,
    };
    for (const line of lines.slice(1)) {
        if (line.startsWith("@@"))
            break; // extended headers end at the first hunk
        if (line.startsWith("--- "))
            header.minus = stripPrefix(parsePathField(line.slice(4)), "a/");
        else if (line.startsWith("+++ "))
            header.plus = stripPrefix(parsePathField(line.slice(4)), "b/");
        else if (line.startsWith("rename from "))
            header.renameFrom = parsePathField(line.slice(12));
        else if (line.startsWith("rename to "))
            header.renameTo = parsePathField(line.slice(10));
        else if (line.startsWith("copy from "))
            header.copyFrom = parsePathField(line.slice(10));
        else if (line.startsWith("copy to "))
            header.copyTo = parsePathField(line.slice(8));
        else if (line.startsWith("new file mode "))
            header.newFile = true;
        else if (line.startsWith("deleted file mode "))
            header.deletedFile = true;
        else if (line.startsWith("Binary files ") || line === "GIT binary patch") {
            header.binary = true;
            break;
        }
    }
    return header;
}
function parseHunks(lines) {
    // Markers are not lines of either file; dropping them first also avoids parse-diff's crash on a
    // marker that follows a hunk header directly.
    const body = lines.filter((line) => !line.startsWith("\\")).join("\n");
    let parsed;
    try {
        parsed = parseDiff(body);
    }
    catch {
        return [];
    }
    return parsed.flatMap((file) => file.chunks.map(toHunk));
}
function toHunk(chunk) {
    const lines = [];
    for (const change of chunk.changes) {
        const content = change.content.slice(1);
        if (change.type === "normal")
            lines.push({ kind: "context", content, oldLine: change.ln1, newLine: change.ln2 });
        else if (change.type === "del")
            lines.push({ kind: "del", content, oldLine: change.ln, newLine: null });
        else
            lines.push({ kind: "add", content, oldLine: null, newLine: change.ln });
    }
    return {
        header: chunk.content,
        oldStart: chunk.oldStart,
        oldLines: chunk.oldLines,
        newStart: chunk.newStart,
        newLines: chunk.newLines,
        lines,
    };
}
/** A diff without `diff --git` headers (plain `diff -u`): parse-diff's file split is all there is. */
function parsePlainDiff(lines) {
    let parsed;
    try {
        parsed = parseDiff(lines.filter((line) => !line.startsWith("\\")).join("\n"));
    }
    catch {
        return [];
    }
    const files = [];
    for (const file of parsed) {
        // parse-diff has already dropped the a/ b/ prefixes and any quotes here.
        const from = file.from ?? null;
        const to = file.to ?? null;
        const deleted = to === DEV_NULL;
        const added = from === DEV_NULL;
        const path = deleted ? from : to;
        if (!path || path === DEV_NULL)
            continue;
        const oldPath = !added && !deleted && from !== null && from !== to ? from : null;
        const status = deleted ? "deleted" : added ? "added" : oldPath ? "renamed" : "modified";
        files.push(buildFileDiff(path, oldPath, status, false, file.chunks.map(toHunk)));
    }
    return files;
}
function buildFileDiff(path, oldPath, status, binary, hunks) {
    let additions = 0;
    let deletions = 0;
    for (const hunk of hunks) {
        for (const line of hunk.lines) {
            if (line.kind === "add")
                additions++;
            else if (line.kind === "del")
                deletions++;
        }
    }
    return { path, oldPath, status, binary, hunks, additions, deletions };
}
/**
 * `diff --git a/x b/y`, either side possibly C-quoted. Unquoted names may contain spaces, so when
 * both are unquoted the split is taken where the two names are equal (git's own rule); renames
 * also carry `rename from/to`, which win over this line.
 */
function parseDiffGitLine(line) {
    const rest = line.slice("diff --git ".length);
    if (rest.startsWith('"')) {
        const first = readQuoted(rest);
        if (!first)
            return [null, null];
        const second = parsePathField(rest.slice(first.end).trimStart());
        return [stripPrefix(first.value, "a/"), stripPrefix(second, "b/")];
    }
    const quotedSecond = rest.lastIndexOf(' "');
    if (rest.endsWith('"') && quotedSecond > 0) {
        return [stripPrefix(rest.slice(0, quotedSecond), "a/"), stripPrefix(parsePathField(rest.slice(quotedSecond + 1)), "b/")];
    }
    const half = (rest.length - 1) / 2;
    if (Number.isInteger(half) && rest[half] === " " && rest.slice(2, half) === rest.slice(half + 3)) {
        const name = rest.slice(2, half);
        return [name, name];
    }
    const split = rest.indexOf(" b/");
    if (split < 0)
        return [null, null];
    return [stripPrefix(rest.slice(0, split), "a/"), stripPrefix(rest.slice(split + 1), "b/")];
}
/** A path after `--- `, `+++ `, `rename from ` etc.: quoted, or raw up to a tab (git adds one after names with spaces). */
function parsePathField(field) {
    if (field.startsWith('"')) {
        const quoted = readQuoted(field);
        if (quoted)
            return quoted.value;
    }
    const tab = field.indexOf("\t");
    return tab < 0 ? field : field.slice(0, tab);
}
const C_ESCAPES = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
/** Reads a git C-quoted string ("a/caf\303\251") from the start of `text`; octal escapes are UTF-8 bytes. */
function readQuoted(text) {
    const bytes = [];
    const encoder = new TextEncoder();
    let i = 1;
    while (i < text.length) {
        const char = text[i];
        if (char === '"')
            return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
        if (char !== "\\") {
            // A raw run (quotePath=false leaves UTF-8 unescaped); encode it whole to keep surrogate pairs intact.
            let runEnd = i;
            while (runEnd < text.length && text[runEnd] !== '"' && text[runEnd] !== "\\")
                runEnd++;
            bytes.push(...encoder.encode(text.slice(i, runEnd)));
            i = runEnd;
            continue;
        }
        const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
        const escaped = C_ESCAPES[text[i + 1] ?? ""];
        if (octal) {
            bytes.push(parseInt(octal[0], 8));
            i += 4;
        }
        else if (escaped !== undefined) {
            bytes.push(escaped);
            i += 2;
        }
        else {
            bytes.push(92);
            i += 1;
        }
    }
    return null; // unterminated
}
function stripPrefix(path, prefix) {
    return path.startsWith(prefix) ? path.slice(2) : path;
}
function nonNull(path) {
    return path === DEV_NULL ? null : path;
}
function stripCarriageReturn(line) {
    return line.endsWith("\r") ? line.slice(0, -1) : line;
}
