// Wikipedia `action=query&prop=info|pageprops&redirects=1` responses → one page per requested title.
// Pure. A requested title goes through `query.normalized` (underscores, first letter) and then
// `query.redirects` (a moved page) to the page that answers for it.

import { isItemId } from '../model/ids.js';
import type { WikipediaPage } from '../model/remote.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function mapping(list: unknown): Map<string, string> {
  return new Map(
    (Array.isArray(list) ? list : []).filter(isObject).map((entry) => [String(entry.from), String(entry.to)]),
  );
}

export function parsePages(
  body: unknown,
  lang: string,
  requested: readonly string[],
): Map<string, WikipediaPage> {
  const query = isObject(body) && isObject(body.query) ? body.query : {};
  const rawPages = Array.isArray(query.pages)
    ? query.pages
    : isObject(query.pages)
      ? Object.values(query.pages)
      : [];
  const pages = new Map(rawPages.filter(isObject).map((page) => [String(page.title), page]));
  const normalized = mapping(query.normalized);
  const redirects = mapping(query.redirects);
  const result = new Map<string, WikipediaPage>();
  for (const title of requested) {
    const normal = normalized.get(title) ?? title;
    const target = redirects.get(normal) ?? normal;
    const page = pages.get(target);
    const props = page && isObject(page.pageprops) ? page.pageprops : {};
    const missing =
      !page || ('missing' in page && page.missing !== false) || ('invalid' in page && page.invalid !== false);
    result.set(title, {
      lang,
      requested: title,
      title: target,
      missing,
      ...(page && 'invalid' in page ? { invalid: String(page.invalidreason ?? 'invalid title') } : {}),
      ...(page && typeof page.pageid === 'number' && !missing ? { pageid: page.pageid } : {}),
      ...(page && typeof page.lastrevid === 'number' ? { lastrevid: page.lastrevid } : {}),
      ...(page && typeof page.touched === 'string' ? { touched: page.touched } : {}),
      ...(isItemId(props.wikibase_item) ? { wikibaseItem: props.wikibase_item } : {}),
      disambiguation: 'disambiguation' in props,
      ...(normal !== title ? { normalizedFrom: title } : {}),
      ...(target !== normal ? { redirectedFrom: normal } : {}),
    });
  }
  return result;
}
