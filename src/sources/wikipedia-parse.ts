// Wikipedia `action=query&prop=info|pageprops&redirects=1` responses → one page per requested title.
// Pure. A requested title goes through `query.normalized` (underscores, first letter) and then
// `query.redirects` (a moved page, or a redirect to a section: `tofragment`) to the page that answers for
// it. Only an explicit `missing`/`invalid` flag makes a page missing: a title the answer does not account
// for, or a page of the wrong shape, is unreadable. The caller checks the envelope first.

import { isItemId } from '../model/ids.js';
import type { UnreadableAnswer, WikipediaPage } from '../model/remote.js';
import { pageProblem, queryPages } from './wikidata-validate.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface Hop {
  readonly to: string;
  readonly fragment?: string;
}

/** `query.normalized` or `query.redirects` as from → {to, fragment}. */
export function redirectHops(list: unknown): Map<string, Hop> {
  return new Map(
    (Array.isArray(list) ? list : []).filter(isObject).map((entry) => [
      String(entry.from),
      {
        to: String(entry.to),
        ...(typeof entry.tofragment === 'string' && entry.tofragment !== ''
          ? { fragment: entry.tofragment }
          : {}),
      },
    ]),
  );
}

export function parsePages(
  body: unknown,
  lang: string,
  requested: readonly string[],
): Map<string, WikipediaPage | UnreadableAnswer> {
  const query = isObject(body) && isObject(body.query) ? body.query : {};
  const rawPages = queryPages(body);
  const pages = new Map(rawPages.filter(isObject).map((page) => [String(page.title), page]));
  const normalized = redirectHops(query.normalized);
  const redirects = redirectHops(query.redirects);
  const result = new Map<string, WikipediaPage | UnreadableAnswer>();
  for (const title of requested) {
    const normal = normalized.get(title)?.to ?? title;
    const hop = redirects.get(normal);
    const target = hop?.to ?? normal;
    const page = pages.get(target);
    const problem = page ? pageProblem(page) : 'was asked for and not answered';
    if (!page || problem) {
      result.set(title, {
        kind: 'unreadable',
        requested: title,
        reason: `${lang}:${title}: ${problem}`,
      });
      continue;
    }
    const props = isObject(page.pageprops) ? page.pageprops : {};
    const missing =
      ('missing' in page && page.missing !== false) || ('invalid' in page && page.invalid !== false);
    result.set(title, {
      lang,
      requested: title,
      title: target,
      missing,
      ...('invalid' in page ? { invalid: String(page.invalidreason ?? 'invalid title') } : {}),
      ...(typeof page.pageid === 'number' && !missing ? { pageid: page.pageid } : {}),
      ...(typeof page.lastrevid === 'number' ? { lastrevid: page.lastrevid } : {}),
      ...(typeof page.touched === 'string' ? { touched: page.touched } : {}),
      ...(isItemId(props.wikibase_item) ? { wikibaseItem: props.wikibase_item } : {}),
      disambiguation: 'disambiguation' in props,
      ...(normal !== title ? { normalizedFrom: title } : {}),
      ...(hop ? { redirectedFrom: normal } : {}),
      ...(hop?.fragment ? { redirectFragment: hop.fragment } : {}),
    });
  }
  return result;
}
