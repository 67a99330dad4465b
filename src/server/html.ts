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

const SITE = 'http://factsync.invalid';
// Browsers strip tabs and newlines from a URL (`/\t/evil.example` is `//evil.example` to them): no
// control character (C0, DEL, C1) may appear, decoded or not, nor raw whitespace.
const CONTROL = /\p{Cc}/u;
const RAW_SPACE = /\s/;

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Whether a path (no query) is not this site's: `//host`, a backslash (`/\host`), or no leading `/`. */
function offSite(pathname: string | undefined): boolean {
  return (
    pathname === undefined || !pathname.startsWith('/') || pathname.includes('//') || pathname.includes('\\')
  );
}

const pathPart = (text: string) => text.split(/[?#]/, 1)[0] ?? '';

/**
 * Where a path-and-query may send the browser back to (`back` after a review, `next` after signing in):
 * a path of this site only — checked as written, percent-decoded, and normalised (`/..//host` normalises
 * to `//host`) — else `fallback`. The query may hold anything but control characters.
 */
export function localPath(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > 2000 || RAW_SPACE.test(value)) return fallback;
  const plain = decoded(value);
  if (plain === undefined || CONTROL.test(plain)) return fallback;
  if (offSite(pathPart(value)) || offSite(pathPart(plain))) return fallback;
  const url = new URL(value, SITE);
  if (url.origin !== SITE || offSite(url.pathname) || offSite(decoded(url.pathname))) return fallback;
  return `${url.pathname}${url.search}`;
}

/** A path-and-query with the given parameters, the empty ones left out. */
export function withQuery(pathname: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${pathname}?${text}` : pathname;
}
