/**
 * Findings on code the diff does not show (the caller a change breaks). They cannot be inline comments
 * (GitHub takes those on diff lines only), so they go into the review body, with a permalink to the line
 * at the reviewed head once the worker has checked that the file and line exist there.
 */
export interface OutOfDiffLines {
  /** `{web}/{owner}/{repo}/blob/{headSha}`: where permalinks point (GHES hosts included). */
  blobUrl: string;
  /** Lines checked to exist in the repository at the head, by `outOfDiffKey`, with their text. */
  verified: ReadonlyMap<string, string>;
}

export function outOfDiffKey(path: string, line: number): string {
  return `${path}\0${line}`;
}

/** `https://github.com/o/r/blob/{sha}` from the web host of the GitHub the app talks to. */
export function blobUrlOf(webUrl: string, owner: string, repo: string, headSha: string): string {
  return `${webUrl.replace(/\/+$/, "")}/${encodeUrlPart(owner)}/${encodeUrlPart(repo)}/blob/${headSha}`;
}

/** The permalink of one line; every path segment encoded, parentheses too, so a Markdown link cannot be cut short. */
export function permalinkOf(blobUrl: string, path: string, line: number): string {
  return `${blobUrl}/${path.split("/").map(encodeUrlPart).join("/")}#L${line}`;
}

function encodeUrlPart(part: string): string {
  return encodeURIComponent(part).replace(/[()'!*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
