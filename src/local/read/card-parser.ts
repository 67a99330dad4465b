// A Markdown card (the format of shared/sora-card.md) → a local record. Pure: text in, record or error out.
// Every fact may be stated in several places (header, Key Facts, Summary, JSON-LD); each statement is
// kept with its line, and contradictions become local conflicts instead of being silently resolved.
// A card is untrusted text of up to local.maxRecordBytes: every pattern here runs in time linear in the
// line it reads (no pattern that can backtrack over a long run), so no card can stall the reader.
// The fenced JSON-LD block is located in card-block.ts and its facts read in card-jsonld.ts.

import type { FactValue, FieldSpec, SingleFact } from '../../model/fields.js';
import { formatFactValue, statementFields } from '../../model/fields.js';
import { type ItemId, itemIdProblem, wikidataUrlSegment } from '../../model/ids.js';
import type {
  LocalConflict,
  LocalRecord,
  Origin,
  ReadResult,
  ReadWarning,
  WikipediaLink,
} from '../../model/record.js';
import { parseRecordSource, unstorableText } from '../../model/record.js';
import { resolveMany, resolveSingle, type Statement } from '../../model/statements.js';
import { normalizeText } from '../../model/values.js';
import { parseWikipediaUrl } from '../../model/wikipedia.js';
import { CardError, FENCE, readJsonLd } from './card-block.js';
import { jsonLdStatements } from './card-jsonld.js';
import { findPhraseFacts } from './card-phrases.js';

const HEADER_LINK = /^\*\*(Wikidata|Wikipedia|Source)\*\*:\s*(.*)$/;
const LINK = /^\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
/** A card that states more facts than this in prose is refused rather than read at any cost. */
const MAX_PHRASE_FACTS = 1000;

interface CardScan {
  statements: Statement[];
  warnings: ReadWarning[];
  /** The header's `**Source**:` URL: not a fact to compare, the reference an export cites. */
  source?: string;
}

/** The first `**Source**:` line names the record's source; one that is not a web URL is a warning. */
function readSource(target: string, line: number, scan: CardScan, file: string): void {
  if (scan.source !== undefined) return;
  const source = parseRecordSource(target);
  if (source.ok) scan.source = source.value;
  else scan.warnings.push({ file, line, warning: `Source line: ${source.reason}; the card has no source` });
}

function headerStatements(kind: string, target: string, line: number): Statement[] {
  const link = LINK.exec(target);
  const [text, url] = link ? [link[1] ?? '', link[2] ?? ''] : [target, target];
  if (kind === 'Wikidata') {
    const qid = link ? wikidataUrlSegment(url) : (wikidataUrlSegment(text) ?? text.trim());
    if (qid === undefined) throw new CardError(`Wikidata line: "${url}" is not a Wikidata item URL`, line);
    const problem = itemIdProblem(qid);
    if (problem) throw new CardError(`Wikidata line: ${problem}`, line);
    const found: Statement[] = [
      { field: 'qid', value: qid, where: 'header Wikidata link', line, group: 'header' },
    ];
    // "[Q1](…/Q2)": the link's text names another item than its target.
    const shown = text.trim();
    if (link && /^[Qq]\d+$/.test(shown) && shown !== qid) {
      const textProblem = itemIdProblem(shown);
      if (textProblem) throw new CardError(`Wikidata line: ${textProblem}`, line);
      found.push({ field: 'qid', value: shown, where: 'header Wikidata link text', line, group: 'header' });
    }
    return found;
  }
  const page = parseWikipediaUrl(url);
  if (!page.ok) throw new CardError(`Wikipedia line: ${page.reason}`, line);
  return [{ field: 'wikipedia', value: page.value, where: 'header Wikipedia link', line, group: 'header' }];
}

function scanCard(text: string, fields: readonly FieldSpec[], file: string): CardScan {
  const scan: CardScan = { statements: [], warnings: [] };
  const lines = text.split(/\r?\n/);
  const facts = statementFields(fields);
  let section = '';
  let sawTitle = false;
  let phraseFacts = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lineNo = i + 1;
    const fence = FENCE.exec(line);
    if (fence) {
      const lang = (fence[1] ?? '').toLowerCase();
      if (lang === 'json' || lang === 'jsonld' || lang === 'ld+json' || lang === 'json-ld') {
        const { block, end } = readJsonLd(lines, i + 1, scan.warnings, file);
        const found = jsonLdStatements(block, fields);
        if (!found.ok) throw new CardError(found.reason, found.line);
        scan.statements.push(...found.statements);
        i = end;
      } else {
        let close = i + 1;
        while (close < lines.length && !FENCE.test(lines[close] ?? '')) close++;
        i = close;
      }
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const [level, title] = [heading[1]?.length ?? 0, headingText(heading[2] ?? '')];
      if (level === 1 && !sawTitle) {
        sawTitle = true;
        scan.statements.push({
          field: 'label',
          value: normalizeText(title),
          where: 'title',
          line: lineNo,
          group: 'header',
        });
      } else if (level === 2) section = title.toLowerCase();
      continue;
    }
    if (sawTitle && section === '' && line.startsWith('>')) {
      const description = normalizeText(line.replace(/^>\s*/, ''));
      if (description && !scan.statements.some((s) => s.field === 'description')) {
        scan.statements.push({
          field: 'description',
          value: description,
          where: 'description line',
          line: lineNo,
          group: 'header',
        });
      }
      continue;
    }
    const header = HEADER_LINK.exec(line);
    if (header && section === '') {
      const [kind, target] = [header[1] ?? '', (header[2] ?? '').trimEnd()];
      if (kind === 'Source') readSource(target, lineNo, scan, file);
      else scan.statements.push(...headerStatements(kind, target, lineNo));
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const prose =
      section === 'key facts' ? bullet?.[1] : section === 'summary' && line.trim() ? line : undefined;
    if (prose === undefined) continue;
    const where = section === 'key facts' ? 'Key Facts' : 'Summary';
    const findings = findPhraseFacts(prose, facts, MAX_PHRASE_FACTS - phraseFacts + 1);
    phraseFacts += findings.length;
    if (phraseFacts > MAX_PHRASE_FACTS) {
      const reason = `more than ${MAX_PHRASE_FACTS.toLocaleString('en')} facts stated by phrase: not read as a card`;
      throw new CardError(reason, lineNo);
    }
    for (const finding of findings) {
      if (!finding.ok) throw new CardError(finding.reason, lineNo);
      scan.statements.push({
        field: finding.field.name,
        value: finding.value,
        where,
        line: lineNo,
        group: 'phrase',
      });
    }
  }
  if (!sawTitle) throw new CardError('no title line ("# Name")');
  for (const statement of scan.statements) {
    // Only JSON-LD escapes can bring these into a card that decoded as UTF-8 without NUL bytes.
    const found = unstorableText(statement.value, '');
    if (found) {
      const reason = `${statement.field} (${statement.where}): ${found.problem}, which the store cannot hold`;
      throw new CardError(reason, statement.line);
    }
  }
  return scan;
}

/** A heading's text without its closing `#` sequence and the spaces around it, in one pass. */
function headingText(text: string): string {
  let end = text.trimEnd().length;
  while (end > 0 && text[end - 1] === '#') end--;
  return text.slice(0, end).trimEnd();
}

/** A card's text as a record; `key` is its file name without `.md`. */
export function parseCard(text: string, key: string, file: string, fields: readonly FieldSpec[]): ReadResult {
  let scan: CardScan;
  try {
    scan = scanCard(text, fields, file);
  } catch (error) {
    if (!(error instanceof CardError)) throw error;
    return { ok: false, error: { file, error: error.message, ...(error.line ? { line: error.line } : {}) } };
  }
  const conflicts: LocalConflict[] = [];
  const about = (field: string) => scan.statements.filter((s) => s.field === field);
  const single = <V>(field: string, type: string, format?: (v: unknown) => unknown): V | undefined => {
    const resolved = resolveSingle(field, type, about(field), format);
    if (resolved?.conflict) conflicts.push(resolved.conflict);
    return resolved?.value as V | undefined;
  };
  const qid = single<ItemId>('qid', 'qid');
  if (!qid) {
    return {
      ok: false,
      error: {
        file,
        error: 'no QID: expected a "**Wikidata**: [Q…](…)" line or a Wikidata URL in the JSON-LD sameAs',
      },
    };
  }
  const label = single<string>('label', 'label');
  const description = single<string>('description', 'description');
  const wikipedia = single<WikipediaLink>('wikipedia', 'page');
  const facts: Record<string, FactValue> = {};
  for (const field of statementFields(fields)) {
    const statements = about(field.name) as Statement<SingleFact>[];
    if (field.many) {
      const resolved = resolveMany(field, statements);
      if (resolved?.conflict) conflicts.push(resolved.conflict);
      if (resolved) facts[field.name] = resolved.value;
    } else {
      const value = single<SingleFact>(field.name, field.type, (v) => formatFactValue(field, v as FactValue));
      if (value !== undefined) facts[field.name] = value;
    }
  }
  const origins: Record<string, Origin[]> = {};
  for (const statement of scan.statements) {
    const list = origins[statement.field] ?? [];
    list.push({ where: statement.where, ...(statement.line === undefined ? {} : { line: statement.line }) });
    origins[statement.field] = list;
  }
  const record: LocalRecord = {
    key,
    qid,
    ...(label === undefined ? {} : { label }),
    ...(description === undefined ? {} : { description }),
    ...(wikipedia === undefined ? {} : { wikipedia }),
    ...(scan.source === undefined ? {} : { source: scan.source }),
    facts,
    conflicts,
    file,
    origins,
  };
  return { ok: true, record, warnings: scan.warnings };
}
