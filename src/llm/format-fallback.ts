import type { ResponseFormatKind } from "./responses-client.js";

/** Best first: a schema the API enforces, then any JSON, then free text we parse ourselves. */
export const FORMAT_FALLBACKS: readonly ResponseFormatKind[] = ["json_schema", "json_object", "text"];

export interface FormatFallbackOptions {
  /** How long a downgrade holds before the best format is tried again. Default 15 minutes. */
  retryBestAfterMs?: number;
  /** Injectable clock (tests). */
  now?: () => number;
}

/**
 * Which output format the next call asks for, shared by the concurrent chunks of one process.
 * A refusal downgrades only from the format the refused call used (compare-and-set): chunks that
 * were refused the same format at the same time downgrade once, not once each. A downgrade is not
 * forever: an endpoint that refused `json_schema` during an incident or a model switch gets asked
 * for it again once `retryBestAfterMs` has passed.
 */
export interface FormatFallback {
  /** The format a new call should start with. */
  current(): ResponseFormatKind;
  /**
   * Records that the endpoint refused `used`; returns the format to try next (never `used` or a
   * better one), or null when `used` was the last resort.
   */
  refused(used: ResponseFormatKind): ResponseFormatKind | null;
}

export function createFormatFallback(options: FormatFallbackOptions = {}): FormatFallback {
  const retryBestAfterMs = options.retryBestAfterMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  let index = 0;
  let downgradedAt = 0;

  return {
    current() {
      if (index > 0 && now() - downgradedAt >= retryBestAfterMs) index = 0;
      return FORMAT_FALLBACKS[index]!;
    },
    refused(used) {
      const usedIndex = FORMAT_FALLBACKS.indexOf(used);
      if (usedIndex === index && index < FORMAT_FALLBACKS.length - 1) {
        index++;
        downgradedAt = now();
      }
      // A caller never moves back up within one call: the shared state may have been reset to the best
      // format meanwhile, but that one may be exactly what this caller was refused a moment ago.
      return FORMAT_FALLBACKS[Math.max(index, usedIndex + 1)] ?? null;
    },
  };
}
