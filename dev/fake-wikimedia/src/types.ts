// The data the fake Wikimedia serves, in Wikibase's and MediaWiki's own JSON shapes (the same
// shapes as the captured responses in shared/fixtures/wikimedia and test/fixtures/wikimedia).

export type SnakType = 'value' | 'somevalue' | 'novalue';
export type Rank = 'preferred' | 'normal' | 'deprecated';

export interface DataValue {
  readonly value: unknown;
  readonly type: string;
}

export interface Snak {
  readonly snaktype: SnakType;
  readonly property: string;
  readonly hash?: string;
  readonly datavalue?: DataValue;
  readonly datatype?: string;
}

export interface Reference {
  readonly hash: string;
  readonly snaks: Readonly<Record<string, readonly Snak[]>>;
  readonly 'snaks-order': readonly string[];
}

export interface Statement {
  readonly mainsnak: Snak;
  readonly type: 'statement';
  readonly qualifiers?: Readonly<Record<string, readonly Snak[]>>;
  readonly 'qualifiers-order'?: readonly string[];
  readonly id: string;
  readonly rank: Rank;
  readonly references?: readonly Reference[];
}

export interface Term {
  readonly language: string;
  readonly value: string;
  readonly 'for-language'?: string;
}

export interface Sitelink {
  readonly site: string;
  readonly title: string;
  readonly badges: readonly string[];
  readonly url?: string;
}

/** A Wikibase entity as wbgetentities returns it with every prop. */
export interface Entity {
  readonly pageid?: number;
  readonly ns?: number;
  readonly title?: string;
  readonly lastrevid?: number;
  readonly modified?: string;
  readonly type: string;
  readonly datatype?: string;
  readonly id: string;
  readonly labels?: Readonly<Record<string, Term>>;
  readonly descriptions?: Readonly<Record<string, Term>>;
  readonly aliases?: Readonly<Record<string, readonly Term[]>>;
  readonly claims?: Readonly<Record<string, readonly Statement[]>>;
  readonly sitelinks?: Readonly<Record<string, Sitelink>>;
}

/** The page facts `prop=info` reports, beside the entity itself. */
export interface PageInfo {
  readonly pageid: number;
  readonly lastrevid: number;
  readonly touched: string;
  readonly length: number;
}

/** What the store knows of one item id. */
export type ItemLookup =
  | { readonly kind: 'item'; readonly entity: Entity; readonly page: PageInfo }
  | { readonly kind: 'redirect'; readonly to: string; readonly page: PageInfo }
  | { readonly kind: 'missing' };

/** What the store knows of one item id's page, without the entity. */
export type PageLookup =
  | { readonly kind: 'item'; readonly page: PageInfo }
  | { readonly kind: 'redirect'; readonly to: string; readonly page: PageInfo }
  | { readonly kind: 'missing' };

/** A page of a fake Wikipedia; a redirect page has `redirectTo` (and `redirectFragment` for a section). */
export interface WikiPage {
  readonly pageid: number;
  readonly title: string;
  readonly lastrevid: number;
  readonly touched: string;
  readonly length: number;
  readonly wikibaseItem?: string;
  readonly disambiguation?: boolean;
  readonly redirectTo?: string;
  /** The section a redirect page points at (`#REDIRECT [[To#Fragment]]`): the API's `tofragment`. */
  readonly redirectFragment?: string;
}

/**
 * One entry of the change feed, in `list=recentchanges` form (rcprop=title|ids|timestamp|loginfo|sizes).
 * `external` rows are what a Wikipedia shows for a change made on Wikidata to the item linked to one
 * of its pages (Wikibase client's RC_EXTERNAL rows): no revision of the page, revid = old_revid.
 */
export interface RecentChange {
  readonly type: 'edit' | 'new' | 'log' | 'external';
  readonly ns: number;
  readonly title: string;
  readonly pageid: number;
  readonly revid: number;
  readonly old_revid: number;
  readonly rcid: number;
  readonly timestamp: string;
  readonly oldlen?: number;
  readonly newlen?: number;
  readonly logid?: number;
  readonly logtype?: string;
  readonly logaction?: string;
  readonly logparams?: Readonly<Record<string, unknown>>;
  readonly comment?: string;
  readonly user?: string;
}

/** ISO 8601 in MediaWiki's form: seconds, `Z`, no milliseconds. */
export function mwTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One revision of a page, as `prop=revisions` reports it (rvprop=ids|timestamp|comment|user). */
export interface Revision {
  readonly revid: number;
  readonly parentid: number;
  readonly pageid: number;
  readonly ns: number;
  readonly title: string;
  readonly timestamp: string;
  readonly comment: string;
  readonly user: string;
}
