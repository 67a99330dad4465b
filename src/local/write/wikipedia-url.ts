// Wikipedia page URLs as Wikipedia itself writes them, and Wikidata item URLs. Pure.

import type { PageValue } from '../../model/proposal.js';

/**
 * A title as the path of its page URL, the way MediaWiki's wfUrlencode writes it: spaces as `_`, UTF-8
 * percent-encoding, but `( ) , : ; @ $ ! * / ~` left readable. `Sora (text-to-video model)` →
 * `Sora_(text-to-video_model)`, `Café` → `Caf%C3%A9`, `Schindler's List` → `Schindler%27s_List`.
 */
export function wikipediaPath(title: string): string {
  const encoded = encodeURIComponent(title.trim().replace(/ /g, '_'))
    .replace(/'/g, '%27')
    .replace(/%(?:3A|2F|40|24|2C|3B)/gi, (sequence) => decodeURIComponent(sequence));
  // A Markdown link target may hold one level of balanced parentheses; others are encoded too.
  return /^(?:[^()]|\([^()]*\))*$/.test(encoded)
    ? encoded
    : encoded.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/**
 * The page's URL. `like` is the URL it replaces: a link to the same wiki keeps its host (a mobile
 * `en.m.wikipedia.org` stays mobile); a link to another language gets that language's host.
 */
export function wikipediaUrl(page: PageValue, like?: string): string {
  let origin = `https://${page.lang}.wikipedia.org`;
  if (like) {
    try {
      const url = new URL(like);
      const lang = /^([a-z0-9-]+)(?:\.m)?\.wikipedia\.org$/i.exec(url.hostname)?.[1]?.toLowerCase();
      if (lang === page.lang) origin = `${url.protocol}//${url.host}`;
    } catch {
      // not a URL: the default host
    }
  }
  return `${origin}/wiki/${wikipediaPath(page.title)}`;
}

/** The language's English name for a link text ("English" for en), or the code when unknown. */
export function languageName(lang: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

const ENTITY_SEGMENT = /(\/(?:wiki|entity)\/(?:Special:EntityPage\/)?)[^/?#]+/;

/** A Wikidata entity URL pointing at `qid` instead, in the same form (`/wiki/` or `/entity/`). */
export function withWikidataId(url: string, qid: string): string {
  return ENTITY_SEGMENT.test(url)
    ? url.replace(ENTITY_SEGMENT, `$1${qid}`)
    : `https://www.wikidata.org/wiki/${qid}`;
}
