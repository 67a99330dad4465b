// Wikipedia page references: reading a page URL into (language, title), and checking a title against
// MediaWiki's title rules, so that nothing a card says can become a different host or path.

import type { WikipediaLink } from './record.js';
import type { Parsed } from './values.js';

const LANG = /^[a-z][a-z0-9]{1,11}(?:-[a-z0-9]{1,12}){0,3}$/;

export function isWikiLanguage(lang: string): boolean {
  return LANG.test(lang);
}

/**
 * Why `title` is not a valid MediaWiki page title (see mediawiki.org "Manual:Page title"): empty, over
 * 255 bytes, one of `# < > [ ] | { }`, a control character, a percent-encoded sequence, or a relative
 * path (`.`, `..`, `./…`, `../…`, `…/./…`, `…/../…`).
 */
export function wikipediaTitleProblem(title: string): string | undefined {
  const shown = JSON.stringify(title.slice(0, 60));
  if (title.trim() === '') return 'empty Wikipedia title';
  if (Buffer.byteLength(title, 'utf8') > 255) return `Wikipedia title ${shown}… is over 255 bytes`;
  if (/[#<>[\]|{}\p{Cc}\uFFFD]/u.test(title))
    return `Wikipedia title ${shown} contains a character titles cannot have`;
  if (/%[0-9A-Fa-f]{2}/.test(title))
    return `Wikipedia title ${shown} still contains a percent-encoded sequence`;
  if (/^\.\.?$|^\.\.?\/|\/\.\.?\/|\/\.\.?$/.test(title)) return `Wikipedia title ${shown} is a relative path`;
  if (title.startsWith(':')) return `Wikipedia title ${shown} starts with ":"`;
  return undefined;
}

/** `en.wikipedia.org/wiki/Sora_(text-to-video_model)` → { lang: 'en', title: 'Sora (text-to-video model)' }. */
export function parseWikipediaUrl(text: string): Parsed<WikipediaLink> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, reason: `"${text.slice(0, 80)}" is not a URL` };
  }
  const host = /^([a-z0-9-]+)(?:\.m)?\.wikipedia\.org$/i.exec(url.hostname);
  const lang = host?.[1]?.toLowerCase();
  if (!lang || !isWikiLanguage(lang))
    return { ok: false, reason: `"${url.hostname}" is not a Wikipedia host` };
  let encoded: string | null = null;
  if (url.pathname.startsWith('/wiki/')) encoded = url.pathname.slice('/wiki/'.length);
  else if (url.pathname === '/w/index.php') encoded = url.searchParams.get('title');
  if (!encoded) return { ok: false, reason: `"${text.slice(0, 80)}" is not a link to a Wikipedia page` };
  let title: string;
  try {
    // searchParams already decoded the index.php form; decoding again is harmless only if no "%" is left.
    title = decodeURIComponent(encoded).replace(/_/g, ' ').trim();
  } catch {
    return { ok: false, reason: `Wikipedia link "${text.slice(0, 80)}" has a malformed percent-encoding` };
  }
  const problem = wikipediaTitleProblem(title);
  return problem ? { ok: false, reason: problem } : { ok: true, value: { lang, title } };
}

/** Titles as MediaWiki compares them on Wikipedia: underscores as spaces, the first letter case-insensitive. */
export function sameWikipediaPage(a: WikipediaLink, b: WikipediaLink): boolean {
  const norm = (title: string) => {
    const spaced = title.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
    return spaced.charAt(0).toUpperCase() + spaced.slice(1);
  };
  return a.lang === b.lang && norm(a.title) === norm(b.title);
}
