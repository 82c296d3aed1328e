/**
 * The function, method or class around some lines of a source file, found without parsing: from
 * indentation and the common declaration forms of the languages people review most. It only has to be
 * good enough to show the model a signature and the rest of a body; a miss means less context, never a
 * wrong anchor (scope lines are never anchors).
 */

/** 1-based, inclusive lines of the file. */
export interface LineRange {
  start: number;
  end: number;
}

export interface ScopeQuery {
  /** First and last new-file lines of the change (1-based, first <= last). */
  first: number;
  last: number;
  /** Indentation of the changed code (see `indentOf`): the scope is a line less indented than this. */
  indent: number;
  /** The search goes no further than these lines. */
  lowest: number;
  highest: number;
}

/** Width of a line's leading whitespace, a tab counting as 4; null for a blank line. */
export function indentOf(text: string): number | null {
  let width = 0;
  for (const char of text) {
    if (char === " ") width++;
    else if (char === "\t") width += 4;
    else if (char === "\r") return null;
    else return width;
  }
  return null;
}

const MODIFIERS =
  "(?:(?:export|default|declare|public|private|protected|internal|static|final|abstract|synchronized|native|override|virtual|async|sealed|partial|extern|unsafe|readonly|open|suspend|inline|operator|infix|tailrec|data|inner|companion|strictfp|pub(?:\\([^)]*\\))?|const)\\s+)*";

/** Lines that start a function, method or type in JavaScript/TypeScript, Python, Go, Rust, Ruby, Java, C#, Kotlin, Swift, PHP, Elixir. */
const DECLARATIONS: readonly RegExp[] = [
  // function f(, class C, interface I, enum E, namespace N, fn f (Rust), fun f (Kotlin), func f (Go, Swift), def f (Python, Ruby)
  new RegExp(`^${MODIFIERS}(?:function\\b|class\\b|interface\\b|enum\\b|namespace\\b|trait\\b|struct\\b|record\\b|object\\b|module\\s+[\\w.:]+|fn\\b|fun\\b|func\\b|def\\b|defp\\b|defmodule\\b|impl\\b|mod\\s+\\w)`),
  // const f = (a) => {, const f = async function (, let f = x =>
  /^(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|(?:<[^>]*>\s*)?(?:\([^)]*\)|[\w$]+)\s*(?::[^=]+)?=>|\(\s*$)/,
  // Foo.prototype.bar = function, module.exports = function, handler: async function
  /^[\w$.]+\s*[:=]\s*(?:async\s+)?function\b/,
  // Go: type T struct {, type I interface {
  /^type\s+\w+(?:\[[^\]]*\])?\s+(?:struct|interface)\b/,
  // Java, C#, C, C++: [modifiers] Type name( ... — a statement keyword in the type's place is not one.
  new RegExp(`^(?!(?:return|throw|new|else|await|yield|case|goto|delete|typeof|sizeof|await)\\b)${MODIFIERS}(?:<[^>]+>\\s+)?(?:[\\w$.\\[\\]?*&]|::)+(?:<[^()]*>)?(?:\\[\\])*\\s+[*&]?[\\w$~]+\\s*\\((?!.*\\)\\s*;\\s*$)`),
  // JS/TS class method: [modifiers] name(args) {  or  name<T>(args): R {
  /^(?:(?:public|private|protected|static|readonly|async|override|abstract|get|set|declare)\s+)*\*?\s*#?[\w$]+\s*(?:<[^>]*>)?\s*\([^;]*\)\s*(?::\s*[^{;=]+)?\{\s*$/,
];

const CONTROL_FLOW =
  /^(?:[}\])]\s*)?(?:if|else|elif|elsif|for|foreach|while|do|switch|case|default|try|catch|except|finally|with|unless|until|loop|match|select|when|begin|rescue|ensure|return|throw|yield|await)\b/;
/** A line that opens a block or a bracket continued on the next lines. */
const OPENS = /(?:[{(\[:]|=>|\bdo(?:\s*\|[^|]*\|)?)\s*(?:\/\/.*|#.*)?$/;
/** A line that closes a block: `}`, `)`, `]`, Ruby's and Lua's `end`. */
const CLOSES = /^\s*(?:[}\])]|end\b)/;
/** C preprocessor lines sit in column 0 whatever the nesting; they say nothing about scope. */
const PREPROCESSOR = /^#\s*(?:if|ifdef|ifndef|else|elif|endif|define|undef|pragma|include|error|line|region|endregion)\b/;

export function isDeclaration(text: string): boolean {
  const code = text.trim();
  if (CONTROL_FLOW.test(code)) return false;
  return DECLARATIONS.some((pattern) => pattern.test(code));
}

/**
 * The nearest enclosing function, method or class of `query.first..last` in `lines` (index 0 = line 1),
 * as the range from its declaration to its end (closing line included); null when there is none within
 * `lowest..highest` (top-level code, a scope too long to reach). An end beyond `highest` is cut there.
 */
export function findEnclosingScope(lines: readonly string[], query: ScopeQuery): LineRange | null {
  const start = findScopeStart(lines, query);
  if (start === null) return null;
  const scopeIndent = indentOf(lines[start - 1]!) ?? 0;
  return { start, end: findScopeEnd(lines, Math.max(start, query.last), scopeIndent, query.highest) };
}

function findScopeStart(lines: readonly string[], query: ScopeQuery): number | null {
  // A declaration among the changed lines at their own depth (a changed signature) is the scope.
  for (let line = query.first; line <= query.last; line++) {
    const text = lines[line - 1]!;
    if (indentOf(text) === query.indent && isDeclaration(text)) return line;
  }
  // Outward through the enclosing blocks until one is a declaration or a callback.
  let threshold = query.indent;
  for (let line = query.first - 1; line >= query.lowest && threshold > 0; line--) {
    const text = lines[line - 1]!;
    const indent = indentOf(text);
    if (indent === null || indent >= threshold || PREPROCESSOR.test(text)) continue;
    const code = text.trim();
    if (isDeclaration(code)) return line;
    if (CLOSES.test(code) || code === "{") {
      // `): Promise<T> {`, `} else {`, or a brace on its own line (C#, Allman style): the tail of a
      // construct opened above at this depth.
      threshold = indent + 1;
      continue;
    }
    // A callback (`it("x", () => {`, `app.get(path, function (req) {`); an object literal is not a scope.
    if (!CONTROL_FLOW.test(code) && /(?:=>|\))\s*\{\s*$/.test(code)) return line;
    threshold = indent;
  }
  return null;
}

/** The scope's last line: its closing line at the declaration's depth, or (indentation languages) the last line of its body. */
function findScopeEnd(lines: readonly string[], from: number, scopeIndent: number, highest: number): number {
  let lastBody = from;
  for (let line = from + 1; line <= Math.min(highest, lines.length); line++) {
    const text = lines[line - 1]!;
    const indent = indentOf(text);
    if (indent === null || PREPROCESSOR.test(text)) continue;
    if (indent > scopeIndent) {
      lastBody = line;
      continue;
    }
    // `} else {`, `): T {`: the construct goes on.
    if (CLOSES.test(text) && OPENS.test(text.trim())) {
      lastBody = line;
      continue;
    }
    return CLOSES.test(text) ? line : lastBody;
  }
  return Math.min(highest, lines.length);
}
