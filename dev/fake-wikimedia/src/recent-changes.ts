// `list=recentchanges` over the store's change feed (API:RecentChanges): rcdir/rcstart/rcend, rclimit
// (at most 500, clamped with a warning as MediaWiki does), rccontinue `YYYYMMDDHHMMSS|rcid` with
// `continue: {rccontinue, continue: "-||"}`, rcnamespace, rctype, and rcprop choosing the fields.

import { type ApiAnswer, type ApiRequest, apiError, param } from './api.js';
import type { ChangeFeed } from './changes.js';
import { type FeedKey, formatFeedKey, parseFeedKey } from './feed-keys.js';
import { splitValues } from './titles.js';
import type { RecentChange } from './types.js';

const MAX_LIMIT = 500;
const TYPES = new Set(['edit', 'new', 'log', 'external', 'categorize']);

export type RecentChangesResult =
  | {
      readonly ok: true;
      readonly changes: unknown[];
      readonly rccontinue?: string;
      readonly warnings: string[];
    }
  | { readonly ok: false; readonly error: ApiAnswer };

/** A timestamp parameter: ISO 8601 or MediaWiki's 14 digits; seconds since the epoch. */
export function parseTimestamp(text: string): number | undefined {
  const digits = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (digits) {
    const [, y, mo, d, h, mi, s] = digits.map(Number) as number[];
    return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s) / 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Log parameters as the API writes them: booleans (the move log's `suppressredirect`) stay booleans
 * under formatversion=2; under formatversion 1 true is "" and false is left out (ApiResult's BC
 * booleans; real fv1 move rows have `"suppressredirect": ""` or none, fv2 rows true or false).
 */
function logParams(params: Readonly<Record<string, unknown>>, fv2: boolean): Record<string, unknown> {
  if (fv2) return { ...params };
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === true) out[name] = '';
    else if (value !== false) out[name] = value;
  }
  return out;
}

function shape(change: RecentChange, props: ReadonlySet<string>, fv2: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { type: change.type };
  if (props.has('title')) {
    out.ns = change.ns;
    out.title = change.title;
  }
  if (props.has('ids')) {
    out.pageid = change.pageid;
    out.revid = change.revid;
    out.old_revid = change.old_revid;
    out.rcid = change.rcid;
  }
  if (props.has('user')) out.user = change.user ?? 'FakeEditor';
  if (props.has('sizes')) {
    out.oldlen = change.oldlen ?? 0;
    out.newlen = change.newlen ?? 0;
  }
  if (props.has('timestamp')) out.timestamp = change.timestamp;
  if (props.has('comment')) out.comment = change.comment ?? '';
  if (props.has('loginfo') && change.type === 'log') {
    out.logid = change.logid;
    out.logtype = change.logtype;
    out.logaction = change.logaction;
    out.logparams = logParams(change.logparams ?? {}, fv2);
  }
  return out;
}

export function recentChanges(request: ApiRequest, feed: ChangeFeed): RecentChangesResult {
  const fail = (code: string, info: string): RecentChangesResult => ({
    ok: false,
    error: apiError(request, 'recentchanges', code, info),
  });
  const warnings: string[] = [];
  const dir = param(request, 'rcdir') ?? 'older';
  if (dir !== 'older' && dir !== 'newer')
    return fail('badvalue', `Unrecognized value for parameter "rcdir": ${dir}.`);
  const newer = dir === 'newer';

  const seconds: Record<'rcstart' | 'rcend', number | undefined> = { rcstart: undefined, rcend: undefined };
  for (const name of ['rcstart', 'rcend'] as const) {
    const text = param(request, name);
    if (text === undefined) continue;
    const sec = parseTimestamp(text);
    if (sec === undefined)
      return fail('badtimestamp', `Invalid value "${text}" for timestamp parameter "${name}".`);
    seconds[name] = sec;
  }

  const rawLimit = param(request, 'rclimit') ?? '10';
  let limit = rawLimit === 'max' ? MAX_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit))
    return fail('badinteger', `Invalid value "${rawLimit}" for integer parameter "rclimit".`);
  if (limit > MAX_LIMIT) {
    warnings.push(`rclimit may not be over ${MAX_LIMIT} (set to ${MAX_LIMIT}) for users.`);
    limit = MAX_LIMIT;
  }
  if (limit < 1) {
    warnings.push(`rclimit may not be less than 1 (set to 1).`);
    limit = 1;
  }

  let start: FeedKey | undefined;
  const cont = param(request, 'rccontinue');
  if (cont !== undefined) {
    start = parseFeedKey(cont);
    if (!start)
      return fail(
        'badcontinue',
        'Invalid continue param. You should pass the original value returned by the previous query.',
      );
  } else if (seconds.rcstart !== undefined) {
    start = { sec: seconds.rcstart, rcid: newer ? 0 : Number.MAX_SAFE_INTEGER };
  }
  const end: FeedKey | undefined =
    seconds.rcend === undefined
      ? undefined
      : { sec: seconds.rcend, rcid: newer ? Number.MAX_SAFE_INTEGER : 0 };

  const namespaces = param(request, 'rcnamespace');
  const types = request.params.has('rctype') ? new Set(splitValues(param(request, 'rctype'))) : undefined;
  for (const type of types ?? []) {
    if (!TYPES.has(type)) return fail('badvalue', `Unrecognized value for parameter "rctype": ${type}.`);
  }
  const props = new Set(splitValues(param(request, 'rcprop') ?? 'title|timestamp|ids'));
  const page = feed.query(
    {
      newer,
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      limit,
      ...(types ? { types } : {}),
      ...(namespaces === undefined || namespaces === '*'
        ? {}
        : { namespaces: new Set(splitValues(namespaces).map(Number)) }),
    },
    request.nowMs,
  );
  return {
    ok: true,
    changes: page.changes.map((change) => shape(change, props, request.fv2)),
    ...(page.next ? { rccontinue: formatFeedKey(page.next) } : {}),
    warnings,
  };
}
