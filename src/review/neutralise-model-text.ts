/*
 * What the model writes is posted under the App's name, and the model reads text written by PR authors:
 * whatever GitHub would turn into a notification, a backlink, a request or a rendered element must come
 * out inert. The policy, applied outside code (code spans and fenced blocks are kept byte for byte):
 *   - @user / @org/team mentions are put in a code span, so nobody is pinged;
 *   - issue references (#123, owner/repo#123, GH-123) and cross-repository commit references
 *     (owner/repo@sha) get an invisible WORD JOINER after `#`, `GH-` or `@`, which breaks the link
 *     and the backlink it would leave on the other issue, pull request or commit;
 *   - raw URLs (http, https, ftp, www.) are shown in a code span: no autolink, no link preview, no
 *     reference to another repository's issue by its URL;
 *   - `[` is escaped, so no Markdown link, image (tracking pixel), footnote or reference definition
 *     forms; the text and its URL stay readable;
 *   - a tag-like `<` becomes `&lt;` (no HTML, no hidden comment that could fake our marker) and an
 *     entity-like `&` becomes `&amp;` (so `&#64;user` cannot render as a mention);
 *   - a backtick that does not close a code span on its own line is escaped, so no later text can be
 *     swallowed into (or let out of) a code span GitHub would pair differently;
 *   - a fenced block is re-fenced at the start of its line with a fence longer than any backtick run
 *     inside, closed if the model left it open, and never labelled `suggestion` (only our own
 *     suggestion block, checked against the anchored lines, may be applied with one click).
 * When in doubt (a span across lines, a span holding `|` that a table would split, a backtick after a
 * backslash) the text is treated as prose, which is the safe side. One pass over the text: linear in
 * its length, whatever the model wrote.
 */

const WORD_JOINER = "\u2060";
const URL_PREFIXES = ["https://", "http://", "ftp://", "www."];
const URL_END = new Set([" ", "\t", "\n", "<", ">", "`", "|", '"']);

/** Model Markdown (a summary, a comment body, a thread answer) made safe to post. */
export function neutraliseModelText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let fence: { ticks: number; indent: number; info: string; content: string[] } | null = null;
  for (const line of lines) {
    if (fence) {
      if (closesFence(line, fence.ticks)) {
        out.push(renderFence(fence.info, fence.content));
        fence = null;
      } else fence.content.push(stripIndent(line, fence.indent));
      continue;
    }
    const opening = readFenceOpening(line);
    if (opening) fence = { ...opening, content: [] };
    else out.push(neutraliseLine(line));
  }
  if (fence) out.push(renderFence(fence.info, fence.content));
  return out.join("\n");
}

/** One line of model text (a title): as `neutraliseModelText`, with every line break made a space. */
export function neutraliseModelLine(text: string): string {
  return neutraliseLine(text.replace(/\s+/g, " "));
}

/** `text` as a code span that nothing inside can close early; line breaks become spaces. */
export function renderCodeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const longest = longestBacktickRun(flat);
  const ticks = "`".repeat(longest + 1);
  return longest > 0 || flat.startsWith(" ") || flat.endsWith(" ") ? `${ticks} ${flat} ${ticks}` : `${ticks}${flat}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside, so the code cannot close it. */
export function renderCodeBlock(code: string, info: string): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(code) + 1));
  return `${fence}${info}\n${code}\n${fence}`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    run = text.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

function leadingBlanks(line: string): number {
  let i = 0;
  while (line[i] === " " || line[i] === "\t") i++;
  return i;
}

function runLength(line: string, from: number): number {
  let end = from;
  while (line.charCodeAt(end) === 96) end++;
  return end - from;
}

/** A line of three or more backticks and an info string without backticks opens a fenced block. */
function readFenceOpening(line: string): { ticks: number; indent: number; info: string } | null {
  const indent = leadingBlanks(line);
  const ticks = runLength(line, indent);
  if (ticks < 3) return null;
  const info = line.slice(indent + ticks);
  if (info.includes("`")) return null;
  return { ticks, indent, info };
}

function closesFence(line: string, ticks: number): boolean {
  const start = leadingBlanks(line);
  const run = runLength(line, start);
  return run >= ticks && line.slice(start + run).trim() === "";
}

function stripIndent(line: string, indent: number): string {
  return line.slice(Math.min(indent, leadingBlanks(line)));
}

function renderFence(info: string, content: string[]): string {
  // The language word only: the rest of an info string is invisible, and "suggestion" is ours alone.
  const language = /^[\w+#.-]{0,40}/.exec(info.trim())![0];
  const label = language.toLowerCase() === "suggestion" ? "" : language;
  return content.length === 0 ? renderCodeBlock("", label).replace("\n\n", "\n") : renderCodeBlock(content.join("\n"), label);
}

const code = (line: string, at: number) => (at >= 0 && at < line.length ? line.charCodeAt(at) : -1);
const isAlphanumeric = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => isAlphanumeric(c) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAsciiPunctuation = (c: number) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
const isTagStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47 || c === 33 || c === 63; // letter / ! ?
const isEntityStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 35; // letter #

/** Characters where something may need neutralising; every other character is copied as it is. */
const SPECIAL = new Uint8Array(128);
for (const char of "\\`@#[<&GgHhFfWw") SPECIAL[char.charCodeAt(0)] = 1;

/** For each backtick run of the line, by its start: where the next run of the same length (its closer) starts. */
function indexBacktickRuns(line: string): Int32Array | null {
  if (!line.includes("`")) return null;
  const closerAt = new Int32Array(line.length).fill(-1);
  const nextOfLength = new Map<number, number>();
  const starts: Array<[number, number]> = [];
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) !== 96) continue;
    const length = runLength(line, i);
    starts.push([i, length]);
    i += length - 1;
  }
  for (let r = starts.length - 1; r >= 0; r--) {
    const [start, length] = starts[r]!;
    closerAt[start] = nextOfLength.get(length) ?? -1;
    nextOfLength.set(length, start);
  }
  return closerAt;
}

function neutraliseLine(line: string): string {
  const closerAt = indexBacktickRuns(line);
  let out = "";
  let lastEmitted = -1; // char code of the last character emitted
  const emit = (text: string) => {
    out += text;
    lastEmitted = text.charCodeAt(text.length - 1);
  };
  let nextPipe = -1;
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c >= 128 || SPECIAL[c] === 0) {
      let end = i + 1;
      while (end < line.length && (line.charCodeAt(end) >= 128 || SPECIAL[line.charCodeAt(end)] === 0)) end++;
      emit(line.slice(i, end));
      i = end;
      continue;
    }
    const next = code(line, i + 1);
    const previous = code(line, i - 1);
    if (c === 92 /* \ */) {
      if (!isAsciiPunctuation(next)) emit("\\");
      // An escape pair stays as it is, except where what it escapes still pings once rendered.
      else if (next === 64 /* @ */ && isAlphanumeric(code(line, i + 2))) {
        i += 1; // the mention below gets a code span instead
        continue;
      } else if (next === 35 /* # */ && isDigit(code(line, i + 2))) emit(`\\#${WORD_JOINER}`);
      else emit(line.slice(i, i + 2));
      i += isAsciiPunctuation(next) ? 2 : 1;
      continue;
    }
    if (c === 96 /* ` */) {
      const length = runLength(line, i);
      const closer = previous === 96 || !closerAt ? -1 : closerAt[i]!;
      if (closer >= 0) {
        if (nextPipe < i) {
          const pipe = line.indexOf("|", i);
          nextPipe = pipe < 0 ? line.length : pipe;
        }
        // A table would split a span holding "|" into cells, leaving its backticks unpaired.
        if (nextPipe > closer) {
          emit(line.slice(i, closer + length));
          i = closer + length;
          continue;
        }
      }
      emit("\\`".repeat(length));
      i += length;
      continue;
    }
    if (c === 64 /* @ */ && isAlphanumeric(next)) {
      if (isWordChar(previous)) {
        // name@example.com stays; owner/repo@<sha> would link a commit of another repository.
        emit(startsCommitSha(line, i + 1) ? `@${WORD_JOINER}` : "@");
        i += 1;
      } else {
        const end = mentionEnd(line, i + 1);
        emit(`\`${line.slice(i, end)}\``);
        i = end;
      }
      continue;
    }
    if (c === 35 /* # */ && isDigit(next)) {
      emit(`#${WORD_JOINER}`);
      i += 1;
      continue;
    }
    if ((c === 71 || c === 103) /* G g */ && !isWordChar(previous) && line.slice(i, i + 3).toUpperCase() === "GH-" && isDigit(code(line, i + 3))) {
      emit(`${line.slice(i, i + 3)}${WORD_JOINER}`);
      i += 3;
      continue;
    }
    if (!isAlphanumeric(previous) && URL_PREFIXES.some((prefix) => line.slice(i, i + prefix.length).toLowerCase() === prefix)) {
      const end = urlEnd(line, i);
      // A lone backslash right before would escape the span's opening backtick.
      if (lastEmitted === 92) emit(" ");
      emit(`\`${line.slice(i, end)}\``);
      i = end;
      continue;
    }
    if (c === 91 /* [ */) emit("\\[");
    else if (c === 60 /* < */ && isTagStart(next)) emit("&lt;");
    else if (c === 38 /* & */ && isEntityStart(next)) emit("&amp;");
    else emit(line[i]!);
    i += 1;
  }
  return out;
}

/** After "@": a user (letters, digits, inner hyphens) and an optional "/team". */
function mentionEnd(line: string, from: number): number {
  let end = from;
  while (isAlphanumeric(code(line, end)) || line[end] === "-") end++;
  if (line[end] === "/" && isAlphanumeric(code(line, end + 1))) {
    end += 1;
    while (isWordChar(code(line, end)) || line[end] === "-" || line[end] === ".") end++;
  }
  return end;
}

/** 7 to 40 hex digits and then no word character: how GitHub recognises a commit SHA. */
function startsCommitSha(line: string, from: number): boolean {
  let end = from;
  while (end - from <= 40 && isHex(code(line, end))) end++;
  const length = end - from;
  return length >= 7 && length <= 40 && !isWordChar(code(line, end));
}

/** Where a raw URL starting at `from` ends, as GitHub's autolinker decides: trailing punctuation and an unbalanced ")" stay outside. */
function urlEnd(line: string, from: number): number {
  let end = from;
  let balance = 0;
  while (end < line.length && !URL_END.has(line[end]!)) {
    if (line[end] === "(") balance++;
    else if (line[end] === ")") balance--;
    end++;
  }
  for (;;) {
    const last = line[end - 1];
    if (last !== undefined && ".,:;!?*_~'".includes(last)) end--;
    else if (last === ")" && balance < 0) {
      end--;
      balance++;
    } else return end;
  }
}
