const isBlank = (char: string | undefined) => char !== undefined && char.trim() === "";

/**
 * The fields of the LAST `<!-- <tag> ... -->` in `body`, trimmed, each marker read as
 * `/<!--\s*<tag>\s+([^>]*?)\s*-->/` would capture it, by a scan that reads each character a bounded
 * number of times (the pattern was quadratic on a crafted body). The last one, because the app ends
 * what it posts with its marker while text before it can carry a copied one: a file name listed under
 * "Not reviewed", or a code span in a finding, can spell a marker of its own.
 */
export function findLastMarker(body: string, tag: string): string | null {
  let found: string | null = null;
  let nextClose = -1; // the first ">" at or after the current marker's fields; shared by later markers
  for (let open = body.indexOf("<!--"); open >= 0; open = body.indexOf("<!--", open + 1)) {
    let at = open + 4;
    while (isBlank(body[at])) at++;
    if (!body.startsWith(tag, at)) continue;
    const fieldsStart = at + tag.length;
    if (!isBlank(body[fieldsStart])) continue;
    if (nextClose < fieldsStart) nextClose = body.indexOf(">", fieldsStart);
    if (nextClose < 0) return found; // no ">" left: no later marker can close either
    if (body.startsWith("--", nextClose - 2) && nextClose - 2 > fieldsStart) found = body.slice(fieldsStart, nextClose - 2).trim();
  }
  return found;
}

/** `a=1 b=2` as a map; a pair without `=` maps to "". */
export function readMarkerFields(content: string): Map<string, string> {
  return new Map(
    content.split(/\s+/).map((pair) => {
      const at = pair.indexOf("=");
      return at < 0 ? ([pair, ""] as const) : ([pair.slice(0, at), pair.slice(at + 1)] as const);
    }),
  );
}
