// `action=query&prop=revisions&revids=…` on the fake Wikidata: MediaWiki core's ApiPageSet in
// "revids" mode with ApiQueryRevisions. Each page found lists only the requested revisions of it
// (ascending revid, as ApiQueryRevisions orders by rev_id), with only the rvprop members asked for, in
// MediaWiki's order: revid, parentid, user, timestamp, comment (default rvprop
// ids|timestamp|flags|comment|user; `flags` adds nothing, as no fake edit is minor). Unknown revids
// go to `badrevids` as `{"revid": R, "missing": true}` ("" under formatversion=1), which ApiQuery puts
// before `pages` (ApiPageSet::getMissingRevisionIDsAsResult and ApiQuery::outputGeneralPageInfo,
// wikimedia/mediawiki includes/api/, read as stored versions 420356335 and 44155421 of the public code
// index). More than 50 revids: toomanyvalues; revids beside titles or pageids: `multisource`
// (ApiPageSet::execute, message apierror-invalidparammix-cannotusewith, with <var> turned into quotes
// as ApiErrorFormatter::stripMarkup does). Shape: wikimedia-captures/wikiprov_query_revisions_Q12345.json.
// Not modelled: other rvprop members (silently left out), prop=info beside revids, the request order
// of badrevids (a JavaScript object lists integer keys ascending), and a deleted item's revisions
// (MediaWiki lists the page as missing; the fake answers them as badrevids).

import {
  type ApiAnswer,
  type ApiRequest,
  apiError,
  type Endpoint,
  MULTI_VALUE_LIMIT,
  param,
  tooManyValues,
} from './api.js';
import { splitValues } from './titles.js';
import type { Revision } from './types.js';

export type RevisionLookup = (revid: number) => Revision | undefined;

export type RevisionsResult =
  | { readonly ok: true; readonly query: Record<string, unknown>; readonly warnings: string[] }
  | { readonly ok: false; readonly error: ApiAnswer };

const DEFAULT_RVPROP = 'ids|timestamp|flags|comment|user';
const RVPROP = new Set([
  'ids',
  'flags',
  'timestamp',
  'user',
  'userid',
  'size',
  'slotsize',
  'sha1',
  'slotsha1',
  'contentmodel',
  'comment',
  'parsedcomment',
  'content',
  'tags',
  'roles',
]);

/** The request's revids, or the error MediaWiki answers before it looks any up. */
function requestedRevids(request: ApiRequest, endpoint: Endpoint): number[] | ApiAnswer {
  const raw = splitValues(param(request, 'revids'));
  if (raw.length > MULTI_VALUE_LIMIT) return tooManyValues(request, endpoint, 'revids');
  const other = ['titles', 'pageids'].find((name) => request.params.has(name));
  if (other)
    return apiError(
      request,
      endpoint,
      'multisource',
      `The "revids" parameter cannot be used with "${other}".`,
    );
  const bad = raw.find((value) => !/^\s*[+-]?\d+\s*$/.test(value));
  if (bad !== undefined)
    return apiError(
      request,
      endpoint,
      'badinteger',
      `Invalid value "${bad}" for integer parameter "revids".`,
    );
  return [...new Set(raw.map(Number))];
}

/** One revision with the members `props` asks for, in MediaWiki's order. */
function revisionEntry(revision: Revision, props: ReadonlySet<string>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (props.has('ids')) {
    entry.revid = revision.revid;
    entry.parentid = revision.parentid;
  }
  if (props.has('user')) entry.user = revision.user;
  if (props.has('timestamp')) entry.timestamp = revision.timestamp;
  if (props.has('comment')) entry.comment = revision.comment;
  return entry;
}

export function queryRevisions(
  request: ApiRequest,
  endpoint: Endpoint,
  lookup: RevisionLookup,
): RevisionsResult {
  const revids = requestedRevids(request, endpoint);
  if (!Array.isArray(revids)) return { ok: false, error: revids };
  const props = new Set(splitValues(param(request, 'rvprop') ?? DEFAULT_RVPROP));
  const warnings = [...props]
    .filter((p) => !RVPROP.has(p))
    .map((p) => `Unrecognized value for parameter "rvprop": ${p}.`);
  const withRevisions = splitValues(param(request, 'prop')).includes('revisions');

  const badrevids: Record<string, unknown> = {};
  const pages = new Map<number, { head: Revision; revisions: Revision[] }>();
  for (const revid of revids) {
    const revision = lookup(revid);
    if (!revision) {
      badrevids[String(revid)] = { revid, missing: request.fv2 ? true : '' };
      continue;
    }
    const page = pages.get(revision.pageid) ?? { head: revision, revisions: [] };
    page.revisions.push(revision);
    pages.set(revision.pageid, page);
  }
  const entries = [...pages.values()]
    .sort((a, b) => a.head.pageid - b.head.pageid)
    .map(({ head, revisions }) => {
      const entry: Record<string, unknown> = { pageid: head.pageid, ns: head.ns, title: head.title };
      if (withRevisions)
        entry.revisions = revisions.sort((a, b) => a.revid - b.revid).map((r) => revisionEntry(r, props));
      return entry;
    });

  const query: Record<string, unknown> = {};
  if (Object.keys(badrevids).length) query.badrevids = badrevids;
  if (entries.length)
    query.pages = request.fv2 ? entries : Object.fromEntries(entries.map((e) => [String(e.pageid), e]));
  return { ok: true, query, warnings };
}
