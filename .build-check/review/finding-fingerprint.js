import { createHash } from "node:crypto";
const normalise = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
/**
 * What makes two findings "the same comment": file, the code line it sits on, and its title's words.
 * Line numbers are left out on purpose: a push above the line moves it without changing the finding.
 */
export function fingerprintFinding(finding, lineText) {
    return createHash("sha256")
        .update([finding.path, normalise(lineText ?? ""), normalise(finding.title)].join("\0"))
        .digest("hex")
        .slice(0, 10);
}
