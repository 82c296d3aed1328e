import { renderFixedMarker } from "./finding-marker.js";
import { renderInline } from "./render-review.js";

/** The one reply posted in a thread whose finding the new head fixed; its marker lets a retry find it. Pure. */
export function renderFixReply(input: { fingerprint: string; headSha: string; reason: string }): string {
  const reason = renderInline(input.reason);
  return [`Fixed in ${input.headSha.slice(0, 7)}${reason ? `: ${reason}` : "."}`, renderFixedMarker({ fingerprint: input.fingerprint, headSha: input.headSha })].join("\n\n");
}
