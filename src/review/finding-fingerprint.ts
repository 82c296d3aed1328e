import { createHash } from "node:crypto";
import { cutText } from "../diff/cut-text.js";
import type { Finding } from "./types.js";

// Cut first: the start of a line (the prompt shows 4,000 characters of it) or a title identifies it.
const normalise = (text: string) => cutText(text, 4_000).toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

/**
 * What makes two findings "the same comment": file, the code line it sits on, and its title's words.
 * Line numbers are left out on purpose: a push above the line moves it without changing the finding.
 */
export function fingerprintFinding(finding: Pick<Finding, "path" | "title">, lineText: string | null): string {
  return createHash("sha256")
    .update([finding.path, normalise(lineText ?? ""), normalise(finding.title)].join("\0"))
    .digest("hex")
    .slice(0, 10);
}
