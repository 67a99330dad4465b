// Page titles as MediaWiki reads them: `_` as space, whitespace collapsed, the first letter upper-case
// (wikis with $wgCapitalLinks, which Wikipedia and Wikidata both are), and the invalid ones refused
// with the reasons MediaWiki gives. Namespaces are not modelled: every title is in the main namespace.

export type TitleCheck =
  | { readonly ok: true; readonly title: string }
  | { readonly ok: false; readonly reason: string };

const ILLEGAL = /[#<>[\]|{}\ufffd]/u;
const isControl = (code: number) => code < 0x20 || code === 0x7f;
// What MediaWiki turns into a plain space: `_`, the space and the Unicode space separators.
const SPACES = /[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

export function normalizeTitle(raw: string): TitleCheck {
  const title = raw.replace(SPACES, ' ').replace(/^ | $/g, '');
  if (title === '')
    return {
      ok: false,
      reason: 'The requested page title is empty or contains only the name of a namespace.',
    };
  const illegal = ILLEGAL.exec(title)?.[0] ?? [...title].find((c) => isControl(c.codePointAt(0) ?? 0));
  if (illegal !== undefined)
    return { ok: false, reason: `The requested page title contains invalid characters: "${illegal}".` };
  if (PERCENT_ESCAPE.test(title))
    return { ok: false, reason: `The requested page title contains invalid characters: "%".` };
  if (Buffer.byteLength(title, 'utf8') > 255)
    return {
      ok: false,
      reason: 'The requested page title is too long. It must be no longer than 255 bytes in UTF-8 encoding.',
    };
  const first = title.codePointAt(0) as number;
  const head = String.fromCodePoint(first);
  return { ok: true, title: head.toUpperCase() + title.slice(head.length) };
}

/**
 * The values of a multi-value parameter: split on `|`, or on U+001F when the value starts with it
 * (MediaWiki's way to send values that contain `|`).
 */
export function splitValues(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  if (value.startsWith('\u001f')) return value.slice(1).split('\u001f');
  return value.split('|');
}
