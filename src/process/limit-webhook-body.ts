import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<boolean | void> | boolean | void;

export interface WebhookBodyLimit {
  /** The webhook path (WEBHOOK_PATH); other paths pass through untouched. */
  path: string;
  /** Largest body accepted, in bytes (WEBHOOK_MAX_BODY_BYTES). */
  maxBytes: number;
  log: Logger;
  /** How long an oversized body is drained before the socket is cut (lets the client read the 413). Default 5 s. */
  drainMs?: number;
}

/**
 * Wraps the webhook middleware so an oversized delivery is refused with 413 before anything buffers or
 * parses it or checks its signature: at once when Content-Length is too large, else as soon as the
 * streamed byte count passes the limit. An accepted body is handed on as `req.body` (a string), which
 * @octokit/webhooks reads instead of the stream.
 */
export function limitWebhookBody<M extends Middleware>(inner: M, limit: WebhookBodyLimit): M {
  const path = trimSlashes(limit.path);
  const guarded: Middleware = async (req, res, next) => {
    if (req.method !== "POST" || trimSlashes(pathnameOf(req.url)) !== path) return inner(req, res, next);
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit.maxBytes) return refuse(req, res, limit, declared);
    const body = await readUpTo(req, limit.maxBytes);
    if (body === null) return refuse(req, res, limit, null);
    (req as IncomingMessage & { body?: string }).body = body;
    return inner(req, res, next);
  };
  return guarded as M;
}

function refuse(req: IncomingMessage, res: ServerResponse, limit: WebhookBodyLimit, declaredBytes: number | null): true {
  limit.log.warn(
    { deliveryId: req.headers["x-github-delivery"], event: req.headers["x-github-event"], declaredBytes, maxBytes: limit.maxBytes },
    "Webhook body too large: refused",
  );
  const text = JSON.stringify({ error: `Payload too large: the limit is ${limit.maxBytes} bytes` });
  // No `Connection: close`: closing while the client still sends makes its kernel reset the socket and
  // drop the 413 unread. The body is drained below instead, and the drain timer bounds it.
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
  // Drain (and discard) what the client still sends so it can read the 413, but never for long.
  const timer = setTimeout(() => req.destroy(), limit.drainMs ?? 5_000);
  timer.unref();
  req.on("end", () => clearTimeout(timer));
  req.on("close", () => clearTimeout(timer));
  req.removeAllListeners("data");
  req.resume();
  return true;
}

/** The body as UTF-8 text, or null as soon as it passes `maxBytes` (the rest is left unread). */
function readUpTo(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

// As @octokit/webhooks resolves it (absolute-form targets, dot segments), so no target slips past the limit.
function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return "";
  }
}

function trimSlashes(path: string): string {
  // A loop, not `/\/+$/`: that pattern rescans every run of slashes not at the end (quadratic in the URL).
  let end = path.length;
  while (end > 0 && path[end - 1] === "/") end--;
  return path.slice(0, end) || "/";
}
