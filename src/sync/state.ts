// Incremental nights: what factsync last saw of each entity — its item's and page's revisions and a
// hash of its local record — and the pure rules for when it must be fetched again and what it is after.
// A second run over unchanged data costs revision checks only. The Redis side is jobs/state-store.ts.

import type { ItemId } from '../model/ids.js';

/** What an entity's item and page were at when it was compared: the next run's starting point. */
export interface Revisions {
  readonly itemRev?: number;
  readonly pageRev?: number;
  /** The item a merged QID now redirects to: the feed shows edits under it. */
  readonly target?: ItemId;
  /** The page's title after redirects, when it is not the local one: the feed shows edits under it. */
  readonly pageTitle?: string;
  /** The page's Wikidata item (`wikibase_item`): relinking a page changes it without a new revision. */
  readonly pageItem?: string;
  /** A field waits out a recent edit (review.coolingOffHours): compare the entity again from then. */
  readonly waitUntil?: string;
}

/** What a run saw of an entity: its revisions, and the local record it holds now. */
export interface Observed extends Revisions {
  readonly qid: ItemId;
  /** The local record and the field configuration it was compared under. */
  readonly recordHash: string;
}

export interface EntityState extends Observed {
  /** When the entity was last fetched and compared. */
  readonly checkedAt: string;
  /** When its revisions were last confirmed (a fetch, or a revision check that found no change). */
  readonly verifiedAt?: string;
}

/** Whether a field of the entity waited out a recent edit that is no longer recent at `now`. */
export function waitOver(state: EntityState | undefined, now: string): boolean {
  return state?.waitUntil !== undefined && Date.parse(state.waitUntil) <= Date.parse(now);
}

/** Whether the entity must be fetched and compared again (at `now`, for a wait that is over). */
export function needsFetch(previous: EntityState | undefined, observed: Observed, now?: string): boolean {
  if (!previous) return true;
  return (
    (now !== undefined && waitOver(previous, now)) ||
    previous.qid !== observed.qid ||
    previous.recordHash !== observed.recordHash ||
    previous.itemRev !== observed.itemRev ||
    previous.pageRev !== observed.pageRev ||
    previous.pageItem !== observed.pageItem
  );
}

/** The state after a successful comparison. */
export function nextState(observed: Observed, checkedAt: string): EntityState {
  return {
    qid: observed.qid,
    ...(observed.itemRev === undefined ? {} : { itemRev: observed.itemRev }),
    ...(observed.pageRev === undefined ? {} : { pageRev: observed.pageRev }),
    recordHash: observed.recordHash,
    checkedAt,
    verifiedAt: checkedAt,
    ...(observed.target === undefined ? {} : { target: observed.target }),
    ...(observed.pageTitle === undefined ? {} : { pageTitle: observed.pageTitle }),
    ...(observed.pageItem === undefined ? {} : { pageItem: observed.pageItem }),
    ...(observed.waitUntil === undefined ? {} : { waitUntil: observed.waitUntil }),
  };
}

/** The state after a revision check that found nothing new: verified now, compared as before. */
export function verifiedState(previous: EntityState, verifiedAt: string): EntityState {
  return { ...previous, verifiedAt };
}

/** What a revision check read: the item's revision, and for a sweep the page's revision and item. */
export interface CheckedRevisions {
  readonly itemRev?: number | undefined;
  readonly page?: { readonly lastrevid?: number | undefined; readonly wikibaseItem?: string | undefined };
  /** A sweep checks the page too; a verification checks the item only, and the page stands as it was. */
  readonly sweep: boolean;
}

/** What a revision check saw of an entity compared before (`previous`), for `needsFetch`. */
export function checkedState(
  previous: EntityState,
  record: { readonly qid: ItemId; readonly recordHash: string },
  checked: CheckedRevisions,
): Observed {
  const page = checked.sweep
    ? { pageRev: checked.page?.lastrevid, pageItem: checked.page?.wikibaseItem }
    : previous;
  return {
    qid: record.qid,
    recordHash: record.recordHash,
    ...(checked.itemRev === undefined ? {} : { itemRev: checked.itemRev }),
    ...(page.pageRev === undefined ? {} : { pageRev: page.pageRev }),
    ...(page.pageItem === undefined ? {} : { pageItem: page.pageItem }),
  };
}
