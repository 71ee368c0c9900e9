/**
 * Escaping for the HTML report: everything that comes from user input (scenario names, task
 * names, file names, model names) goes through one of these two functions before it reaches the
 * page.
 *
 * Phase: report. Text nodes and attribute values use `escapeHtml`; data and Vega-Lite specs are
 * embedded as JSON inside `<script type="application/json">`, where the HTML parser looks only for
 * `</script`. `jsonForScript` escapes `<`, `>` and `&` (so neither `</script>` nor `<!--` can
 * appear) and U+2028/U+2029 (line terminators in older JS parsers) as `\uXXXX` escapes, which
 * `JSON.parse` reads back to the same characters.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** JSON text that is safe to place verbatim between `<script type="application/json">` tags. */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('internal: jsonForScript given a value JSON cannot encode');
  return json.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Checks that a library's source can be inlined in a classic `<script>` element: the HTML parser
 * would end the element at `</script` and switch states at `<!--` or `<script`. The vendored
 * minified builds contain none of these today; this guards a future upgrade.
 */
export function assertInlineableScript(name: string, source: string): void {
  if (/<\/script|<!--|<script/i.test(source)) throw new Error(`internal: ${name} cannot be inlined in a <script> element`);
}
