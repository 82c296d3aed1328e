import { cutText } from "../diff/cut-text.js";

/** Headings are short: a line is cut to this many characters before it is read as one. */
const MAX_HEADING_CHARS = 200;
// A heading of level 1..6 and, anywhere after its first blank, the word "review" ("Code review",
// "Reviewing" does not count). Two separate tests: the former single `^#{1,6}\s+.*\breview\b` split
// each whitespace run between `\s+` and `.*` every way (quadratic in the line).
const HEADING = /^(#{1,6})\s/;
const REVIEW_WORD = /\breview\b/i;

/** The level of a Markdown heading line, or 0. */
function headingLevel(line: string): number {
  return HEADING.exec(cutText(line, MAX_HEADING_CHARS))?.[1]!.length ?? 0;
}

/** The body of the first Markdown heading that names code review (AGENTS.md), up to the next heading of its level or higher. Pure. */
export function extractReviewSection(markdown: string): string | null {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => {
    const level = headingLevel(line);
    return level > 0 && REVIEW_WORD.test(cutText(line, MAX_HEADING_CHARS).slice(level));
  });
  if (start === -1) return null;
  const level = headingLevel(lines[start]!);
  const end = lines.findIndex((line, index) => {
    if (index <= start) return false;
    const other = headingLevel(line);
    return other > 0 && other <= level;
  });
  const body = lines.slice(start + 1, end === -1 ? undefined : end).join("\n").trim();
  return body ? body.slice(0, 4_000) : null;
}
