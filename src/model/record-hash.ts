// A local record's fingerprint: what the diff reads from it, and the fields it is compared under. The
// sync state keeps it to tell which records changed since the last run (src/jobs/state.ts); proposals
// keep the one they were found against (Evidence.recordHash), so `apply` writes over no record that
// changed since.

import { createHash, type Hash } from 'node:crypto';
import { type FieldSpec, formatFactValue } from './fields.js';
import { canonicalJson } from './proposal.js';
import type { LocalRecord } from './record.js';

/** A hash of what the diff reads from a record, and of the fields it compares: either changing means a new diff. */
export function recordHash(record: LocalRecord, fields: readonly FieldSpec[]): string {
  // sha1 of canonicalJson({ fields, record }). The fields' part (~1.8 KB with the default fields, five
  // times a record's) is the same for every record: it is hashed once per field list, and each record's
  // hash continues from a copy of that state — the same digest, a fifth of the bytes hashed.
  return fieldsPrefix(fields)
    .copy()
    .update(canonicalRecordJson(record, fields))
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

/**
 * canonicalJson(recordToJson(record, fields)), written straight from the record: no JSON object built
 * and no keys sorted for each record (every night hashes every record). The keys' order is fixed here
 * and for the facts once per field list; the values go through canonicalJson as before.
 */
export function canonicalRecordJson(record: LocalRecord, fields: readonly FieldSpec[]): string {
  const str = JSON.stringify;
  // The keys in canonicalJson's order (sorted): conflicts, description, facts, key, label, qid,
  // source, wikipedia; recordToJson leaves out those the record does not have.
  let out = '{';
  if (record.conflicts.length > 0) out += `"conflicts":${canonicalJson(record.conflicts)},`;
  if (record.description !== undefined) out += `"description":${str(record.description)},`;
  out += '"facts":{';
  let first = true;
  for (const { field, key } of factsInOrder(fields)) {
    const value = record.facts[field.name];
    if (value === undefined) continue;
    const json = canonicalJson(formatFactValue(field, value));
    if (json === undefined) continue;
    out += first ? `${key}${json}` : `,${key}${json}`;
    first = false;
  }
  out += `},"key":${str(record.key)},`;
  if (record.label !== undefined) out += `"label":${str(record.label)},`;
  out += `"qid":${str(record.qid)}`;
  if (record.source !== undefined) out += `,"source":${str(record.source)}`;
  if (record.wikipedia)
    out += `,"wikipedia":{"lang":${str(record.wikipedia.lang)},"title":${str(record.wikipedia.title)}}`;
  return `${out}}`;
}

const factOrders = new WeakMap<readonly FieldSpec[], ReadonlyArray<{ field: FieldSpec; key: string }>>();

/**
 * The fields by name in sorted order, each with its JSON key: a name's last spec, as recordToJson's
 * loop leaves it (the config's field names are unique; this keeps the hash the same if not).
 */
function factsInOrder(fields: readonly FieldSpec[]): ReadonlyArray<{ field: FieldSpec; key: string }> {
  let order = factOrders.get(fields);
  if (order === undefined) {
    const byName = new Map(fields.map((field) => [field.name, field]));
    order = [...byName.keys()].sort().map((name) => ({
      field: byName.get(name) as FieldSpec,
      key: `${JSON.stringify(name)}:`,
    }));
    factOrders.set(fields, order);
  }
  return order;
}
