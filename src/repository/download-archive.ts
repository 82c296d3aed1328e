import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface ArchiveDownload {
  status: number;
  /** The body, when `status` is 200; anything else is drained and closed already. */
  body: IncomingMessage | null;
  contentLength: number | null;
}

const MAX_REDIRECTS = 3;

/**
 * GETs an archive host's URL (the redirect GitHub answered, with its short-lived token) with node:http
 * rather than fetch. fetch (undici) cannot hold a slow reader's pace: each time its body stream resumes,
 * the HTTP parser reads everything the socket holds and unshifts back what it did not take, so the socket
 * never stops reading and its buffer grows by each round's difference (measured: 34 MB buffered and 80 GB
 * copied for a 100 MB archive extracted to disk). node:http pauses the socket when the body's reader does,
 * so the archive host waits for the disk and what is in flight stays within the kernel's buffers.
 */
export function downloadArchive(url: URL, signal?: AbortSignal, redirects = MAX_REDIRECTS): Promise<ArchiveDownload> {
  if (url.protocol !== "https:" && url.protocol !== "http:") return Promise.reject(new Error(`the archive host's address is not http(s) but ${url.protocol}`));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    // identity: the body is the gzip archive itself, decompressed once, by the extractor.
    const request = send(url, { method: "GET", headers: { "user-agent": "codex-review", "accept-encoding": "identity" }, ...(signal ? { signal } : {}) }, resolve);
    request.once("error", reject);
    request.end();
  }).then((response) => {
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status === 200) return { status, body: response, contentLength: lengthOf(response) };
    response.resume();
    if (status >= 300 && status < 400 && location && redirects > 0) return downloadArchive(resolveRedirect(location, url), signal, redirects - 1);
    return { status, body: null, contentLength: null };
  });
}

/**
 * A redirect's Location as an address. Node's URL error keeps the text and the base it was given (both
 * hold the archive token) as properties a logger prints: a malformed one fails with neither.
 */
export function resolveRedirect(location: string, base?: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new Error("the archive redirect's Location is not a valid address");
  }
}

function lengthOf(response: IncomingMessage): number | null {
  const announced = Number(response.headers["content-length"]);
  return response.headers["content-length"] !== undefined && Number.isFinite(announced) ? announced : null;
}
