/**
 * When a person's reply dismisses one of our findings. The rule is small and literal so that people
 * can rely on it (it is in the README):
 *   - the reply says `won't fix`, `wont fix`, `wontfix`, `will not fix`, `not a bug`, `false positive`,
 *     `by design` or `not an issue` anywhere (any case, ’ or ' for the apostrophe); or
 *   - its first word is `ignore`, `ignored`, `dismiss` or `dismissed` ("Ignore: generated code").
 * Quoted lines (`> ...`) and code are left out first: quoting our comment, or code that says
 * `ignore`, is no verdict. Only replies from people with write access count (bots, the app itself,
 * never; who may dismiss: dismissal-authority.ts).
 */
const PHRASES = /\b(?:won'?t fix|wontfix|will not fix|not a bug|false positive|by design|not an issue)\b/;
const FIRST_WORD = /^(?:ignore|ignored|dismiss|dismissed)\b/;

export function isDismissingReply(body: string): boolean {
  const prose = body
    .replace(/```[\s\S]*?(?:```|$)/g, " ")
    .replace(/`[^`\n]*`/g, " ")
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line))
    .join("\n")
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    .trim();
  return PHRASES.test(prose) || FIRST_WORD.test(prose);
}
