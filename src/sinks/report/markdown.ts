// The run report as Markdown: summary, failures, then proposals grouped by entity. Pure.

import type { Proposal } from '../../model/proposal.js';
import type { RunRecord } from '../../model/run.js';
import {
  displayValue,
  type EntityGroup,
  evidenceLabel,
  isWebLink,
  KIND_HELP,
  planNotes,
  scopeNote,
} from './format.js';

/** Markdown table cells: pipes and line breaks would break the table, and HTML must stay text. */
function cell(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** A URL safe inside `[text](url)`: no character of it can end the link or open HTML. */
function linkTarget(url: string): string {
  return url.replace(/[()<>"\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The remote value, with its scoping qualifiers and the field's other values on Wikidata. */
function remoteShown(proposal: Proposal): string {
  const note = scopeNote(proposal.evidence);
  return note ? `${displayValue(proposal.remote)} — ${note}` : displayValue(proposal.remote);
}

export function renderMarkdown(run: RunRecord, groups: readonly EntityGroup[], omitted = 0): string {
  const lines: string[] = [];
  lines.push(`# factsync run ${run.id}`, '');
  lines.push(`- Trigger: ${run.trigger}; status: ${run.status}`);
  lines.push(`- Started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`);
  const c = run.counts;
  lines.push(
    `- Entities: ${c.seen} seen, ${c.fetched} fetched, ${c.unchanged} unchanged (skipped), ${c.failed} failed, ${c.unreadable} unreadable, ${c.verified ?? 0} revision-checked, ${c.deferred ?? 0} deferred`,
  );
  for (const note of planNotes(run)) lines.push(`- ${cell(note)}`);
  const p = run.proposals;
  lines.push(
    `- Proposals: ${p.created} new, ${p.seen} still open, ${p.resolved} resolved, ${p.superseded} superseded`,
    '',
  );
  const kinds = Object.entries(p.byKind).filter(([, n]) => (n ?? 0) > 0);
  if (kinds.length > 0) {
    lines.push('| kind | findings | meaning |', '|---|---:|---|');
    for (const [kind, n] of kinds) lines.push(`| ${kind} | ${n} | ${KIND_HELP[kind] ?? ''} |`);
    lines.push('');
  }
  const requests = Object.entries(run.requests);
  if (requests.length > 0) {
    lines.push('| endpoint | requests | bytes |', '|---|---:|---:|');
    for (const [endpoint, r] of requests) lines.push(`| ${endpoint} | ${r.requests} | ${r.bytes} |`);
    lines.push('');
  }
  if (run.failures.length > 0) {
    lines.push(`## Failures (${run.failures.length})`, '');
    for (const f of run.failures) {
      const what =
        f.entity ??
        (f.file ? `${f.file}${f.line === undefined ? '' : `:${f.line}`}` : (f.ids ?? []).join(', '));
      lines.push(`- ${cell(what)}: ${cell(f.reason)}${f.code ? ` (${f.code})` : ''}`);
    }
    lines.push('');
  }
  lines.push(`## Proposals by entity`, '');
  if (groups.length === 0)
    lines.push('No proposals: the knowledge base agrees with Wikidata and Wikipedia.', '');
  for (const group of groups) {
    lines.push(`### ${cell(group.label ?? group.entity)} (${group.entity}, ${group.qid})`, '');
    lines.push(
      '| | field | kind | local | remote | evidence | status | id |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const proposal of group.proposals) {
      const isNew = proposal.firstRun === run.id ? '**new**' : '';
      const evidence = isWebLink(proposal.evidence.url)
        ? `[${evidenceLabel(proposal.evidence)}](${linkTarget(proposal.evidence.url)})`
        : cell(proposal.evidence.url);
      lines.push(
        `| ${isNew} | ${cell(proposal.field)} | ${proposal.kind} | ${cell(displayValue(proposal.local))} | ${cell(remoteShown(proposal))} | ${evidence} | ${proposal.status} | \`${proposal.id}\` |`,
      );
    }
    lines.push('');
  }
  if (omitted > 0)
    lines.push(`…and ${omitted} more proposals: \`factsync proposals --run ${run.id}\` lists them all.`, '');
  return lines.join('\n');
}
