/** The body of the first Markdown heading that names code review (AGENTS.md), up to the next heading of its level or higher. Pure. */
export function extractReviewSection(markdown: string): string | null {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#{1,6}\s+.*\b(code\s+)?review\b/i.test(line));
  if (start === -1) return null;
  const level = /^(#+)/.exec(lines[start]!)![1]!.length;
  const end = lines.findIndex((line, index) => index > start && /^(#+)\s/.test(line) && /^(#+)/.exec(line)![1]!.length <= level);
  const body = lines.slice(start + 1, end === -1 ? undefined : end).join("\n").trim();
  return body ? body.slice(0, 4_000) : null;
}
