// Incremental nights: what factsync last saw of each entity — its item's and page's revisions and a
// hash of its local record — and the pure rule for when it must be fetched again. A second run over
// unchanged data costs revision checks only.

import type { ItemId } from '../model/ids.js';

export { recordHash } from '../model/record-hash.js';

export interface EntityState {
  readonly qid: ItemId;
  readonly itemRev?: number;
  readonly pageRev?: number;
  /** The local record and the field configuration it was compared under. */
  readonly recordHash: string;
  /** When the entity was last fetched and compared. */
  readonly checkedAt: string;
  /** When its revisions were last confirmed (a fetch, or a revision check that found no change). */
  readonly verifiedAt?: string;
  /** The item the QID was merged into, and the page's title after redirects: the feed shows edits under these. */
  readonly target?: ItemId;
  readonly pageTitle?: string;
  /** The page's Wikidata item (`wikibase_item`): relinking a page changes it without a new revision. */
  readonly pageItem?: string;
  /** A field waits out a recent edit (review.coolingOffHours): compare the entity again from then. */
  readonly waitUntil?: string;
}

export interface Observed {
  readonly qid: ItemId;
  readonly itemRev?: number;
  readonly pageRev?: number;
  readonly recordHash: string;
  readonly target?: ItemId;
  readonly pageTitle?: string;
  /** The page's Wikidata item (`wikibase_item`): relinking a page changes it without a new revision. */
  readonly pageItem?: string;
  readonly waitUntil?: string;
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
