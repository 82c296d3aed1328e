/** `text` cut to at most `chars` UTF-16 units, never between the halves of a surrogate pair. */
export function cutText(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const code = chars > 0 ? text.charCodeAt(chars - 1) : 0;
  const end = code >= 0xd800 && code <= 0xdbff ? chars - 1 : chars;
  return text.slice(0, Math.max(0, end));
}
