// `factsync entities [--json] [KEY|QID…]`: the local records as read, and every read error (SPEC §6).
// --json prints SPEC §2's JSONL, so it also converts cards to JSONL.

import path from 'node:path';
import type { Command } from 'commander';
import { openLocalSource } from '../local/read/index.js';
import { duplicateKeyError, recordLocation } from '../local/read/plan.js';
import { type LocalRecord, type ReadResult, readErrorToJson, recordToJson } from '../model/record.js';
import { configOf, jsonOutput } from './context.js';
import { printJson, printLines, warnLines } from './output.js';

const shown = (file: string) => path.relative(process.cwd(), file) || file;
const at = (file: string, line?: number) => `${shown(file)}${line === undefined ? '' : `:${line}`}`;

function describeRecord(record: LocalRecord): string[] {
  const facts = Object.keys(record.facts).length;
  const page = record.wikipedia ? `  [${record.wikipedia.lang}: ${record.wikipedia.title}]` : '';
  const lines = [
    `${record.key.padEnd(20)} ${record.qid.padEnd(11)} ${record.label ?? '(no label)'}${page}  ${facts} facts`,
  ];
  for (const conflict of record.conflicts) {
    const values = conflict.values
      .map((v) => `${JSON.stringify(v.value)} (${v.where}${v.line === undefined ? '' : `, line ${v.line}`})`)
      .join(' vs ');
    lines.push(`  ! local conflict on ${conflict.field}: ${values}`);
  }
  return lines;
}

function matches(result: ReadResult, wanted: Set<string>): boolean {
  if (wanted.size === 0) return true;
  return result.ok && (wanted.has(result.record.key) || wanted.has(result.record.qid));
}

export function registerEntities(program: Command): void {
  program
    .command('entities')
    .description(
      'print the local records as read, and every unreadable record with file, line and reason (--json: one JSON object a line: records in the JSONL form of the spec, errors as {"error","file","line"})',
    )
    .argument('[keys...]', 'only these records (keys or QIDs)')
    .action(async (keys: string[], _options: unknown, command: Command) => {
      const config = configOf(command);
      const options = { json: jsonOutput(command) };
      const source = await openLocalSource(config);
      const wanted = new Set(keys);
      let [records, errors, conflicted] = [0, 0, 0];
      // A key names one record: a later record with a key already used is reported, not read.
      const owners = new Map<string, string>();
      for await (const read of source.records()) {
        let result = read;
        if (read.ok) {
          const owner = owners.get(read.record.key);
          if (owner === undefined) owners.set(read.record.key, recordLocation(source, read.record));
          else result = { ok: false, error: duplicateKeyError(read.record, owner) };
        }
        if (!result.ok) {
          errors++;
          // As data to convert: the record's text kept whole, control characters escaped as JSON does.
          if (options.json && wanted.size === 0)
            await printJson(readErrorToJson(result.error), { credentials: 'keep' });
          if (!options.json)
            warnLines(`✗ ${at(result.error.file, result.error.line)}  ${result.error.error}`);
          continue;
        }
        for (const warning of result.warnings)
          warnLines(`warning: ${at(warning.file, warning.line)}  ${warning.warning}`);
        if (!matches(result, wanted)) continue;
        records++;
        if (result.record.conflicts.length > 0) conflicted++;
        if (options.json)
          await printJson(recordToJson(result.record, config.fields), { credentials: 'keep' });
        else await printLines(...describeRecord(result.record));
      }
      warnLines(
        `${records} records, ${errors} unreadable, ${conflicted} with local conflicts (${config.local.kind}: ${shown(source.path)})`,
      );
    });
}
