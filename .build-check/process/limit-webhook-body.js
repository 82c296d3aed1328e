/**
 * Wraps the webhook middleware so an oversized delivery is refused with 413 before anything buffers or
 * parses it or checks its signature: at once when Content-Length is too large, else as soon as the
 * streamed byte count passes the limit. An accepted body is handed on as `req.body` (a string), which
 * @octokit/webhooks reads instead of the stream.
 */
export function limitWebhookBody(inner, limit) {
    const path = trimSlashes(limit.path);
    const guarded = async (req, res, next) => {
        if (req.method !== "POST" || trimSlashes(pathnameOf(req.url)) !== path)
            return inner(req, res, next);
        const declared = Number(req.headers["content-length"]);
        if (Number.isFinite(declared) && declared > limit.maxBytes)
            return refuse(req, res, limit, declared);
        const body = await readUpTo(req, limit.maxBytes);
        if (body === null)
            return refuse(req, res, limit, null);
        req.body = body;
        return inner(req, res, next);
    };
    return guarded;
}
function refuse(req, res, limit, declaredBytes) {
    limit.log.warn({ deliveryId: req.headers["x-github-delivery"], event: req.headers["x-github-event"], declaredBytes, maxBytes: limit.maxBytes }, "Webhook body too large: refused");
    const text = JSON.stringify({ error: `Payload too large: the limit is ${limit.maxBytes} bytes` });
    res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(text), connection: "close" });
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
function readUpTo(req, maxBytes) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let bytes = 0;
        const onData = (chunk) => {
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
function pathnameOf(url) {
    try {
        return new URL(url ?? "/", "http://localhost").pathname;
    }
    catch {
        return "";
    }
}
function trimSlashes(path) {
    return path.replace(/\/+$/, "") || "/";
}
