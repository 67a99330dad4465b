// What one schema migration is: a version, a name, and one SQL text per dialect. A file of its own so
// the migrations (001_…) and the list that orders them (index.ts) import it without importing each other.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}
