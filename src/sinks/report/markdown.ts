// The run report as Markdown: summary, failures, then proposals grouped by entity. Pure.
// Read in a terminal as often as rendered: every text from a card, from Wikimedia or from an error goes
// through `cell`, so it stays on its line (no forged list item or heading), drives no terminal, and
// shows no credential.

import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import { printable, redactSecrets } from '../../text/safe.js';
import {
  displayValue,
  type EntityGroup,
  evidenceLabel,
  isWebLink,
  KIND_HELP,
  planNotes,
  scopeNote,
} from './format.js';
import { heldNote, noProposalsSentence, notComparedNote, stoppedNote } from './outcome.js';
import { waitingCount, waitingLine, waitingNote } from './waiting.js';

/**
 * Text for a line or a table cell: printable (a line break shows as `\n`, ESC as `\x1b`, secrets
 * masked), then Markdown-escaped — pipes would break the table, and HTML must stay text.
 */
function cell(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|]/g, '\\$&');
}

/**
 * A URL safe inside `[text](url)`, its credentials masked: anything but printable ASCII (spaces,
 * controls, bidi overrides) and what would end the link or open HTML is percent-encoded.
 */
function linkTarget(url: string): string {
  return redactSecrets(url).replace(/[^!-~]|[()<>"]/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x80) return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    // encodeURIComponent throws on a lone surrogate: shown as U+FFFD.
    return /^[\ud800-\udfff]$/.test(c) ? '%EF%BF%BD' : encodeURIComponent(c);
  });
}

/** The remote value, with its scoping qualifiers and the field's other values on Wikidata. */
function remoteShown(proposal: Proposal): string {
  const note = scopeNote(proposal.evidence);
  return note ? `${displayValue(proposal.remote)} — ${note}` : displayValue(proposal.remote);
}

export function renderMarkdown(run: RunRecord, groups: readonly EntityGroup[], omitted = 0): string {
  const lines: string[] = [];
  lines.push(`# factsync run ${cell(run.id)}`, '');
  lines.push(`- Trigger: ${cell(run.trigger)}; status: ${cell(run.status)}`);
  lines.push(`- Started ${cell(run.startedAt)}${run.finishedAt ? `, finished ${cell(run.finishedAt)}` : ''}`);
  const c = run.counts;
  lines.push(
    `- Entities: ${c.seen} seen, ${c.fetched} fetched, ${c.unchanged} unchanged (skipped), ${c.failed} failed, ${c.unreadable} unreadable, ${c.verified ?? 0} revision-checked, ${c.deferred ?? 0} deferred`,
  );
  for (const note of [heldNote(run), stoppedNote(run), notComparedNote(run)])
    if (note) lines.push(`- **${cell(note)}**`);
  for (const note of planNotes(run)) lines.push(`- ${cell(note)}`);
  const p = run.proposals;
  lines.push(
    `- Proposals: ${p.created} new, ${p.seen} still open, ${p.resolved} resolved, ${p.superseded} superseded`,
    '',
  );
  const kinds = Object.entries(p.byKind).filter(([, n]) => (n ?? 0) > 0);
  if (kinds.length > 0) {
    lines.push('| kind | findings | meaning |', '|---|---:|---|');
    for (const [kind, n] of kinds) lines.push(`| ${cell(kind)} | ${n} | ${KIND_HELP[kind] ?? ''} |`);
    lines.push('');
  }
  const requests = Object.entries(run.requests);
  if (requests.length > 0) {
    lines.push('| endpoint | requests | bytes |', '|---|---:|---:|');
    for (const [endpoint, r] of requests) lines.push(`| ${cell(endpoint)} | ${r.requests} | ${r.bytes} |`);
    lines.push('');
  }
  const listed = (title: string, entries: RunRecord['failures']) => {
    if (entries.length === 0) return;
    lines.push(`## ${title} (${entries.length})`, '');
    for (const f of entries) {
      const what =
        f.entity ??
        (f.file ? `${f.file}${f.line === undefined ? '' : `:${f.line}`}` : (f.ids ?? []).join(', '));
      const request = f.url ? ` — GET <${linkTarget(f.url)}>` : '';
      lines.push(`- ${cell(what)}: ${cell(f.reason)}${f.code ? ` (${cell(f.code)})` : ''}${request}`);
    }
    lines.push('');
  };
  listed('Failures', run.failures);
  listed('Warnings', run.warnings ?? []);
  if (waitingCount(run) > 0) {
    lines.push(`## Recent edits, waiting (${waitingCount(run)})`, '');
    lines.push(cell(waitingNote(run) ?? ''), '');
    for (const w of run.waiting ?? []) lines.push(`- ${cell(waitingLine(w))}`);
    lines.push('');
  }
  lines.push(`## Proposals by entity`, '');
  if (groups.length === 0) lines.push(cell(noProposalsSentence(run)), '');
  for (const group of groups) {
    lines.push(`### ${cell(group.label ?? group.entity)} (${cell(group.entity)}, ${cell(group.qid)})`, '');
    lines.push(
      '| | field | kind | local | remote | evidence | status | id |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const proposal of group.proposals) {
      const isNew = proposal.firstRun === run.id ? '**new**' : '';
      const evidence = isWebLink(proposal.evidence.url)
        ? `[${cell(evidenceLabel(proposal.evidence))}](${linkTarget(proposal.evidence.url)})`
        : cell(proposal.evidence.url);
      lines.push(
        `| ${isNew} | ${cell(proposal.field)} | ${cell(proposal.kind)} | ${cell(displayValue(proposal.local))} | ${cell(remoteShown(proposal))} | ${evidence} | ${cell(proposal.status)} | \`${printable(proposal.id)}\` |`,
      );
    }
    lines.push('');
  }
  if (omitted > 0)
    lines.push(
      `…and ${omitted} more proposals: \`factsync proposals --run ${printable(run.id)}\` lists them all.`,
      '',
    );
  return lines.join('\n');
}
