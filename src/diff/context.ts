// What the diff needs besides the record and the remote data: the fields, the languages, and how
// to link evidence. Plain data and functions; no I/O.

import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { Evidence, ProposalKind, ProposalValue } from '../model/proposal.js';
import type { ItemLabels, ItemLookup, WikipediaPage } from '../model/remote.js';

export interface DiffContext {
  readonly fields: readonly FieldSpec[];
  /** Label and description languages; the first is the one compared and shown (then `mul`). */
  readonly languages: readonly string[];
  /**
   * Qualifiers that tell several values of a single-valued field apart (P407 language of work, P291
   * place of publication, P400 platform…): values that differ in one are alternatives, not a conflict.
   */
  readonly qualifiers: readonly string[];
  /** The items of the configured languages, in order: which P407-scoped value is "ours". */
  readonly languageItems: readonly ItemId[];
  /** When the remote data was fetched (ISO): also the day start and end times are read against. */
  readonly retrievedAt: string;
  readonly links: {
    item(id: ItemId, statementId?: string): string;
    page(lang: string, title: string): string;
  };
}

export interface RemoteState {
  readonly item: ItemLookup;
  /** Labels and aliases of the items the record and the item refer to. */
  readonly labels: ReadonlyMap<ItemId, ItemLabels>;
  /** The Wikipedia page of the record's title (or of the sitelink when the record names none). */
  readonly page?: WikipediaPage;
}

/** One finding of one field, before the record's identity is added. */
export interface FieldFinding {
  readonly kind: ProposalKind;
  readonly local: ProposalValue | null;
  readonly remote: ProposalValue | null;
  readonly evidence: Evidence;
}

/**
 * A field's findings, and whether it could be compared in full: `undecided` when a value could not be
 * told (a referenced item's labels were not read, a date coarser than a decade) — then the field's
 * earlier proposals stand as they are, neither resolved nor superseded.
 */
export interface FieldResult {
  readonly findings: readonly FieldFinding[];
  readonly undecided: boolean;
}
