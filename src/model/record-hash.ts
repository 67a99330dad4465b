// A local record's fingerprint: what the diff reads from it, and the fields it is compared under. The
// sync state keeps it to tell which records changed since the last run (src/jobs/state.ts); proposals
// keep the one they were found against (Evidence.recordHash), so `apply` writes over no record that
// changed since.

import { createHash } from 'node:crypto';
import type { FieldSpec } from './fields.js';
import { canonicalJson } from './proposal.js';
import { type LocalRecord, recordToJson } from './record.js';

/** A hash of what the diff reads from a record, and of the fields it compares: either changing means a new diff. */
export function recordHash(record: LocalRecord, fields: readonly FieldSpec[]): string {
  // canonicalJson({ fields, record }), with the fields' part written once per field list.
  const basis = `{"fields":${fieldsJson(fields)},"record":${canonicalJson(recordToJson(record, fields))}}`;
  return createHash('sha1').update(basis).digest('hex').slice(0, 16);
}

const fieldsJsonCache = new WeakMap<readonly FieldSpec[], string>();

function fieldsJson(fields: readonly FieldSpec[]): string {
  let json = fieldsJsonCache.get(fields);
  if (json === undefined) {
    json = canonicalJson(fields);
    fieldsJsonCache.set(fields, json);
  }
  return json;
}
