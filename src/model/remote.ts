// What Wikidata and Wikipedia say about an entity, as plain data: statements with their rank,
// qualifiers and rich values (a time keeps its precision and calendar), items that are missing or
// were merged, and Wikipedia pages after normalisation and redirects. Pure types and helpers.

import type { ItemId, PropertyId } from './ids.js';
import type { TimeValue } from './time.js';

export type Rank = 'preferred' | 'normal' | 'deprecated';
export type SnakType = 'value' | 'somevalue' | 'novalue';

export type RemoteValue =
  | { readonly type: 'item'; readonly id: ItemId }
  | {
      readonly type: 'time';
      /** Wikidata's own form, such as `+2024-02-00T00:00:00Z`. */
      readonly time: string;
      /** Wikidata's precision: 11 day, 10 month, 9 year, 8 decade, 7 century, 6 millennium… */
      readonly precision: number;
      readonly calendar: 'gregorian' | 'julian' | string;
      /** The value at our precisions (year, month, day); absent when coarser than a year. */
      readonly value?: TimeValue;
    }
  | { readonly type: 'string'; readonly datatype: string; readonly value: string }
  | { readonly type: 'monolingualtext'; readonly text: string; readonly language: string }
  | { readonly type: 'quantity'; readonly amount: string; readonly unit: string }
  | { readonly type: 'other'; readonly datatype: string; readonly value: unknown };

export interface RemoteSnak {
  readonly snaktype: SnakType;
  readonly value?: RemoteValue;
}

export interface RemoteStatement extends RemoteSnak {
  /** The statement GUID, such as `Q124544998$…`: evidence links point at it. */
  readonly id: string;
  readonly property: PropertyId;
  readonly rank: Rank;
  readonly qualifiers: Readonly<Record<string, readonly RemoteSnak[]>>;
}

export interface Sitelink {
  readonly title: string;
  readonly url?: string;
  readonly badges: readonly string[];
}

export interface RemoteItem {
  readonly kind: 'item';
  /** The item's id: for a merged item, the item it was merged into. */
  readonly id: ItemId;
  /** The id that was asked for. */
  readonly requested: ItemId;
  /** Set when `requested` was merged into `id`. */
  readonly redirectedFrom?: ItemId;
  readonly lastrevid?: number;
  readonly modified?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly descriptions: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, readonly string[]>>;
  readonly sitelinks: Readonly<Record<string, Sitelink>>;
  readonly statements: Readonly<Record<string, readonly RemoteStatement[]>>;
}

/** The id does not exist (never created, or deleted). */
export interface MissingItem {
  readonly kind: 'missing';
  readonly requested: ItemId;
}

export type ItemLookup = RemoteItem | MissingItem;

/**
 * An answer that could not be believed: an id asked for and not answered, an entity under another id with
 * no `redirects` entry, a value of the wrong type or an impossible one. A failure of that entity — retried,
 * then reported — never a finding.
 */
export interface UnreadableAnswer {
  readonly kind: 'unreadable';
  readonly requested: string;
  readonly reason: string;
}

export const isUnreadable = (value: unknown): value is UnreadableAnswer =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'unreadable';

/** A revision check's answer for one item: cheap, no content. */
export interface ItemRevision {
  readonly requested: ItemId;
  /** The item's id after following a merge. */
  readonly id: ItemId;
  readonly missing: boolean;
  readonly lastrevid?: number;
  readonly redirectedFrom?: ItemId;
}

/**
 * The labels and aliases of a referenced item, by language (`mul` included: the name that is the same in
 * every language): how "OpenAI" is matched to Q21708200.
 */
export interface ItemLabels {
  readonly id: ItemId;
  readonly labels: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, readonly string[]>>;
  readonly missing?: boolean;
}

export interface WikipediaPage {
  readonly lang: string;
  /** The title as asked for. */
  readonly requested: string;
  /** The page's title after normalisation and redirects. */
  readonly title: string;
  readonly missing: boolean;
  /** Why MediaWiki refused the title, when it did. */
  readonly invalid?: string;
  readonly pageid?: number;
  readonly lastrevid?: number;
  readonly touched?: string;
  /** The page's own Wikidata item (`pageprops.wikibase_item`). */
  readonly wikibaseItem?: ItemId;
  readonly disambiguation: boolean;
  /** The title before normalisation (`Sora_(x)` → `Sora (x)`), when it changed. */
  readonly normalizedFrom?: string;
  /** The title that redirected here: the page was moved, or the title leads to another page. */
  readonly redirectedFrom?: string;
  /** The section of `title` the redirect points at (`tofragment`): the title names part of a page. */
  readonly redirectFragment?: string;
}

const RANK_ORDER: Record<Rank, number> = { preferred: 2, normal: 1, deprecated: 0 };

/**
 * The statements that count (SPEC §3): the preferred ones if any, else the normal ones; deprecated
 * statements never count.
 */
export function bestStatements(statements: readonly RemoteStatement[]): RemoteStatement[] {
  const best = Math.max(0, ...statements.map((s) => RANK_ORDER[s.rank]));
  return best === 0 ? [] : statements.filter((s) => RANK_ORDER[s.rank] === best);
}
