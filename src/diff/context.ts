// What the diff needs besides the record and the remote data: the fields, the languages, and how
// to link evidence. Plain data and functions; no I/O.

import type { FieldSpec } from '../model/fields.js';
import type { ItemId } from '../model/ids.js';
import type { ItemLabels, ItemLookup, WikipediaPage } from '../model/remote.js';

export interface DiffContext {
  readonly fields: readonly FieldSpec[];
  /** Label and description languages; the first is the one compared and shown. */
  readonly languages: readonly string[];
  /** When the remote data was fetched (ISO). */
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
