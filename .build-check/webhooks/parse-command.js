const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function commandPrefix(appSlug) {
    return new RegExp(`^\\s*(?:/codex|@${escapeRegExp(appSlug)}(?:\\[bot\\])?)(?=\\s|$)`, "i");
}
/** Reads a command from a comment's first line; anything else is not one. Case-insensitive. Pure. */
export function parseCommand(body, appSlug) {
    if (!body)
        return null;
    const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
    const prefix = commandPrefix(appSlug);
    if (!prefix.test(firstLine))
        return null;
    const words = firstLine.replace(prefix, "").trim().toLowerCase().split(/\s+/).filter(Boolean);
    const [name = "help", ...args] = words;
    return { name, args };
}
/** Whether a comment addresses the app anywhere: `/codex` or `@<app-slug>` as a word. Pure. */
export function mentionsApp(body, appSlug) {
    if (!body)
        return false;
    return new RegExp(`(^|\\s)(/codex|@${escapeRegExp(appSlug)})(?=\\W|$)`, "i").test(body);
}
