/**
 * Glob matching in time linear in the path for a given glob, for globs that come from repositories
 * (`.github/codex-review.yml`) and from the model (`search_code`'s `path_glob`), matched against paths
 * a pull request chose. picomatch compiles a glob to a backtracking RegExp: `*a*a*a*a*ab` against a
 * 200-character file name took 49 s of a blocked event loop, and `?(a|a)` repeated 24 times two minutes,
 * which stalls every job of the worker. Here a segment is matched by the two-pointer wildcard algorithm
 * (O(glob × segment)) and `**` by a set of positions over the segments, so no input backtracks.
 *
 * Syntax (with picomatch's `dot: true` meaning for the common cases): `*` any characters but `/`
 * (dotfiles included), `?` one character but `/`, `[abc]` / `[a-z]` / `[!a]` / `[^a]` one character of a
 * class, `{a,b}` alternatives (nested; at most MAX_GLOB_ALTERNATIVES after expansion), `**` as a whole
 * segment any number of segments (none included), `\x` the character x. A leading `./` is dropped.
 * Extglobs (`@(a|b)`, `+(a)`, ...), brace ranges (`{1..3}`) and POSIX classes are not supported: their
 * characters are literal. Pure.
 */

/** Alternatives one glob may expand to through its braces; more is refused. */
export const MAX_GLOB_ALTERNATIVES = 64;
/**
 * Characters of all its alternatives together one glob may have. A path is matched against every
 * alternative in at most (their characters × the path's), so this bounds the cost of one glob per path.
 */
export const MAX_GLOB_CHARS = 1_000;

type Token = { kind: "char"; char: string } | { kind: "any" } | { kind: "star" } | { kind: "class"; negated: boolean; ranges: Array<[string, string]> };
type Segment = { kind: "globstar" } | { kind: "tokens"; tokens: Token[] };

export type GlobMatcher = (path: string) => boolean;
export type CompiledGlob = { ok: true; match: GlobMatcher; /** One per brace alternative. */ patterns: Segment[][] } | { ok: false; reason: string };

/** One glob's matcher, or why the glob is refused (too long, or too many brace alternatives). */
export function compileGlob(glob: string): CompiledGlob {
  const tooLong = { ok: false, reason: `a glob is at most ${MAX_GLOB_CHARS} characters, its brace alternatives counted each` } as const;
  if (glob.length > MAX_GLOB_CHARS) return tooLong;
  const alternatives = expandBraces(glob);
  if (alternatives === null) return { ok: false, reason: `a glob expands to at most ${MAX_GLOB_ALTERNATIVES} alternatives through its braces` };
  if (alternatives.reduce((sum, alternative) => sum + alternative.length, 0) > MAX_GLOB_CHARS) return tooLong;
  const patterns = alternatives.map(parsePattern);
  return { ok: true, match: (path) => patterns.some((segments) => matchSegments(segments, path.split("/"))), patterns };
}

/** A matcher for any of `globs`; globs that are blank or refused match nothing. The path is split once for all of them. */
export function compileGlobs(globs: readonly string[]): GlobMatcher {
  const patterns = globs.filter((glob) => glob.trim() !== "").flatMap((glob) => {
    const compiled = compileGlob(glob);
    return compiled.ok ? compiled.patterns : [];
  });
  return (path) => {
    const parts = path.split("/");
    return patterns.some((segments) => matchSegments(segments, parts));
  };
}

/** Why the glob is refused, or null when it compiles (for validating a repository's config). */
export function globProblem(glob: string): string | null {
  const compiled = compileGlob(glob);
  return compiled.ok ? null : compiled.reason;
}

/** `{a,b}` expanded (innermost first, so nesting works); null past MAX_GLOB_ALTERNATIVES. */
function expandBraces(glob: string): string[] | null {
  const done: string[] = [];
  const pending = [glob];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const group = findBraceGroup(current);
    if (!group) {
      done.push(current);
    } else {
      for (const option of group.options) pending.push(current.slice(0, group.start) + option + current.slice(group.end + 1));
    }
    if (done.length + pending.length > MAX_GLOB_ALTERNATIVES) return null;
  }
  return done;
}

/** The first innermost `{...}` holding a top-level comma; braces without one are literal. */
function findBraceGroup(text: string): { start: number; end: number; options: string[] } | null {
  const opens: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "{") opens.push(i);
    else if (char === "}" && opens.length > 0) {
      const start = opens.pop()!;
      const options = splitTopLevelCommas(text.slice(start + 1, i));
      if (options.length > 1) return { start, end: i, options };
    }
  }
  return null;
}

function splitTopLevelCommas(text: string): string[] {
  const options: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === "{") depth++;
    else if (char === "}") depth--;
    else if (char === "," && depth === 0) {
      options.push(text.slice(from, i));
      from = i + 1;
    }
  }
  options.push(text.slice(from));
  return options;
}

function parsePattern(glob: string): Segment[] {
  const withoutDot = glob.replace(/^(\.\/)+/, "");
  // A trailing `/` (`dist/`) and doubled slashes name the same folders as without them.
  const parts = withoutDot.split("/").filter((part, index, all) => part !== "" || (index === 0 && all.length === 1));
  return parts.map((part) => (part === "**" ? { kind: "globstar" } : { kind: "tokens", tokens: parseSegment(part) }));
}

function parseSegment(text: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length) tokens.push({ kind: "char", char: text[++i]! });
    else if (char === "*") {
      // `a**b` is `a*b`: consecutive stars are one.
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (char === "?") tokens.push({ kind: "any" });
    else if (char === "[") {
      const parsed = parseClass(text, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: "char", char });
    } else tokens.push({ kind: "char", char });
  }
  return tokens;
}

/** `[...]` from `start`, or null when it does not close (the `[` is then literal). */
function parseClass(text: string, start: number): { token: Token; end: number } | null {
  let i = start + 1;
  const negated = text[i] === "!" || text[i] === "^";
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  // A `]` right after the opening is a member, as in POSIX.
  let first = true;
  for (; i < text.length; i++) {
    let char = text[i]!;
    if (char === "]" && !first) return { token: { kind: "class", negated, ranges }, end: i };
    first = false;
    if (char === "\\" && i + 1 < text.length) char = text[++i]!;
    if (text[i + 1] === "-" && i + 2 < text.length && text[i + 2] !== "]") {
      ranges.push([char, text[i + 2]!]);
      i += 2;
    } else ranges.push([char, char]);
  }
  return null;
}

function matchesToken(token: Exclude<Token, { kind: "star" }>, char: string): boolean {
  switch (token.kind) {
    case "char":
      return token.char === char;
    case "any":
      return true;
    case "class":
      return token.ranges.some(([from, to]) => char >= from && char <= to) !== token.negated;
  }
}

/**
 * One segment against a pattern of tokens. On a mismatch only the last star takes one more character:
 * every earlier star's choice is already the shortest that works, so no backtracking past it is needed.
 */
function matchSegment(tokens: readonly Token[], text: string): boolean {
  let t = 0;
  let s = 0;
  let starAt = -1;
  let starText = 0;
  while (s < text.length) {
    const token = tokens[t];
    if (token && token.kind === "star") {
      starAt = t++;
      starText = s;
    } else if (token && matchesToken(token, text[s]!)) {
      t++;
      s++;
    } else if (starAt !== -1) {
      t = starAt + 1;
      s = ++starText;
    } else return false;
  }
  while (tokens[t]?.kind === "star") t++;
  return t === tokens.length;
}

/**
 * Pattern segments against path segments; `**` may take none or any number of them. The positions
 * reached are flags swapped between two arrays: a path of half a million segments allocates nothing
 * per segment.
 */
function matchSegments(pattern: readonly Segment[], path: readonly string[]): boolean {
  // The segments before the first `**` and after the last one sit at fixed places: checked directly, so
  // `**/package-lock.json` costs one segment, not the path's depth. Only between two `**` is there a walk.
  const first = pattern.findIndex((segment) => segment.kind === "globstar");
  if (first === -1) return pattern.length === path.length && pattern.every((segment, i) => matchOne(segment, path[i]!));
  const last = pattern.length - 1 - [...pattern].reverse().findIndex((segment) => segment.kind === "globstar");
  const suffix = pattern.length - 1 - last;
  if (path.length < first + suffix) return false;
  for (let i = 0; i < first; i++) if (!matchOne(pattern[i]!, path[i]!)) return false;
  for (let i = 1; i <= suffix; i++) if (!matchOne(pattern[pattern.length - i]!, path[path.length - i]!)) return false;
  const end = path.length - suffix;
  if (first === last) {
    for (let i = first; i < end; i++) if (isDotName(path[i]!)) return false;
    return true;
  }
  return walkSegments(pattern.slice(first, last + 1), path, first, end);
}

function matchOne(segment: Segment, part: string): boolean {
  if (segment.kind === "globstar") return part !== "." && part !== "..";
  // `.` and `..` are never matched by a wildcard (they are not file names).
  return matchSegment(segment.tokens, part) && !(isDotName(part) && !isLiteral(segment.tokens));
}

/** `path[from..to)` against `pattern`, which starts and ends with `**`. */
function walkSegments(pattern: readonly Segment[], path: readonly string[], from: number, to: number): boolean {
  const size = pattern.length + 1;
  let current = new Uint8Array(size);
  let next = new Uint8Array(size);
  current[0] = 1;
  closeOverGlobstars(pattern, current);
  for (let i = from; i < to; i++) {
    const part = path[i]!;
    next.fill(0);
    let any = false;
    for (let at = 0; at < pattern.length; at++) {
      if (!current[at]) continue;
      const segment = pattern[at]!;
      if (!matchOne(segment, part)) continue;
      next[segment.kind === "globstar" ? at : at + 1] = 1;
      any = true;
    }
    if (!any) return false;
    [current, next] = [next, current];
    closeOverGlobstars(pattern, current);
  }
  return current[pattern.length] === 1;
}

/** A position on a `**` also stands on the segment after it (the `**` taking none). */
function closeOverGlobstars(pattern: readonly Segment[], states: Uint8Array): void {
  for (let at = 0; at < pattern.length; at++) if (states[at] && pattern[at]!.kind === "globstar") states[at + 1] = 1;
}

function isDotName(part: string): boolean {
  return part === "." || part === "..";
}

function isLiteral(tokens: readonly Token[]): boolean {
  return tokens.every((token) => token.kind === "char");
}
