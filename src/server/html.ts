// Server-rendered HTML without a template engine: the `html` tag escapes every interpolated value,
// so a label "<script>alert(1)</script>" from a card or from Wikidata can only ever show as text.
// Markup is passed through only when it is itself the result of `html` (an `Html`), never a string.

import { isWebLink } from '../sinks/report/format.js';
import { escapeHtml } from '../sinks/report/html.js';

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = Html | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** A link when `url` is http(s) (the only scheme put in an href); otherwise the text alone. */
export function webLink(url: string | undefined, text: string, title?: string): Html {
  if (!url || !isWebLink(url)) return html`${text}`;
  return html`<a href="${url}" rel="noopener noreferrer" target="_blank"${title ? html` title="${title}"` : ''}>${text}</a>`;
}

/** Where a path-and-query may send the browser back to: this site only (no `//host`, no scheme). */
export function localPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(value) || value.length > 2000) return fallback;
  return value;
}

/** A path-and-query with the given parameters, the empty ones left out. */
export function withQuery(pathname: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${pathname}?${text}` : pathname;
}
