// A local record's fingerprint: what the diff reads from it, and the fields it is compared under. The
// sync state keeps it to tell which records changed since the last run (src/jobs/state.ts); proposals
// keep the one they were found against (Evidence.recordHash), so `apply` writes over no record that
// changed since.

import { createHash, type Hash } from 'node:crypto';
import type { FieldSpec } from './fields.js';
import { canonicalJson } from './proposal.js';
import { type LocalRecord, recordToJson } from './record.js';

/** A hash of what the diff reads from a record, and of the fields it compares: either changing means a new diff. */
export function recordHash(record: LocalRecord, fields: readonly FieldSpec[]): string {
  // sha1 of canonicalJson({ fields, record }). The fields' part (~1.8 KB with the default fields, five
  // times a record's) is the same for every record: it is hashed once per field list, and each record's
  // hash continues from a copy of that state — the same digest, a fifth of the bytes hashed.
  return fieldsPrefix(fields)
    .copy()
    .update(canonicalJson(recordToJson(record, fields)))
    .update('}')
    .digest('hex')
    .slice(0, 16);
}

const prefixCache = new WeakMap<readonly FieldSpec[], Hash>();

/** A hash that has read `{"fields":…,"record":` and is never finished itself, only copied. */
function fieldsPrefix(fields: readonly FieldSpec[]): Hash {
  let prefix = prefixCache.get(fields);
  if (prefix === undefined) {
    prefix = createHash('sha1').update(`{"fields":${canonicalJson(fields)},"record":`);
    prefixCache.set(fields, prefix);
  }
  return prefix;
}
