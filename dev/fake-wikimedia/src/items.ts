// The Wikidata side of the store: items from fixtures, generated items and their vocabulary, with the
// edits made through the mutation API kept as small patches over them (a changed night on a million
// generated items must not hold a million entities in memory).

import { GENERATED_BASE, generatedIndex, generatedItem, generatedPageInfo } from './generator.js';
import { hash32 } from './random.js';
import type { Entity, ItemLookup, PageInfo, PageLookup, Revision, Sitelink, Statement } from './types.js';
import { mwTimestamp } from './types.js';
import { vocabularyEntity } from './vocabulary.js';

/** What fixture files say about Wikidata (see fixtures.ts). */
export interface WikidataFixtures {
  readonly entities: ReadonlyMap<string, Entity>;
  /** Page facts from captured `prop=info` responses and change feeds, by title (= id). */
  readonly pages: ReadonlyMap<string, Partial<PageInfo>>;
  /** Merged items: the redirect's id → the id it points at. */
  readonly redirects: ReadonlyMap<string, string>;
  readonly missing: ReadonlySet<string>;
  /** Captured revision histories (`prop=revisions` answers), by revid. */
  readonly revisions: ReadonlyMap<number, Revision>;
}

export interface ItemPatch {
  lastrevid: number;
  modified: string;
  touched: string;
  /** The page size after the edits, when they changed it. */
  length?: number;
  /** Properties whose statements were replaced (an empty list removes them). */
  claims?: Record<string, readonly Statement[]>;
  /** Sitelinks replaced (null removes one). */
  sitelinks?: Record<string, Sitelink | null>;
}

interface Base {
  readonly entity: Entity;
  readonly page: PageInfo;
}

/** A small least-recently-used cache of the fixture and vocabulary entities (generated ones are rebuilt). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
}

function fixturePage(entity: Entity, captured: Partial<PageInfo> | undefined): PageInfo {
  const n = hash32('fixture-page', entity.id);
  const lastrevid = entity.lastrevid ?? captured?.lastrevid ?? 1_000_000_000 + (n % 100_000_000);
  const sameRevision = captured?.lastrevid === undefined || captured.lastrevid === lastrevid;
  return {
    pageid: entity.pageid ?? captured?.pageid ?? 150_000_000 + (n % 10_000_000),
    lastrevid,
    touched:
      (sameRevision ? captured?.touched : undefined) ?? entity.modified ?? mwTimestamp(Date.UTC(2023, 0, 1)),
    length: (sameRevision ? captured?.length : undefined) ?? JSON.stringify(entity).length,
  };
}

export class ItemStore {
  private readonly cache = new Lru<string, Base>(256);
  private readonly patches = new Map<string, ItemPatch>();
  private readonly redirects = new Map<string, string>();
  private readonly redirectPages = new Map<string, PageInfo>();
  private readonly deleted = new Set<string>();
  /** Base revisions (lastrevid before the first edit through the store) of the items edited since. */
  private readonly editedBases = new Map<number, string>();
  /** Fixture items by their base revision, built when first needed. */
  private fixtureBases?: Map<number, string>;

  constructor(
    private readonly seed: number,
    private readonly count: number,
    private readonly fixtures: WikidataFixtures,
  ) {
    for (const [from, to] of fixtures.redirects) this.redirects.set(from, to);
    for (const id of fixtures.missing) if (!fixtures.entities.has(id)) this.deleted.add(id);
  }

  /**
   * The entity as first served, before any edit: from fixtures, the generator or the vocabulary.
   * Generated items are rebuilt on every call, not cached: each is asked for about once a night, and
   * a cache of big object graphs that outlive the young generation costs more in garbage collection
   * than rebuilding them does. `claims: false` leaves a generated item's statements out.
   */
  base(qid: string, options: { claims?: boolean } = {}): Base | undefined {
    const cached = this.cache.get(qid);
    if (cached) return cached;
    const fixture = this.fixtures.entities.get(qid);
    if (fixture) {
      const base = { entity: fixture, page: fixturePage(fixture, this.fixtures.pages.get(qid)) };
      this.cache.set(qid, base);
      return base;
    }
    if (this.count === 0) return undefined;
    const index = generatedIndex(qid, this.count);
    if (index !== undefined)
      return generatedItem(this.seed, index, { count: this.count, claims: options.claims !== false });
    const vocabulary = vocabularyEntity(qid);
    if (vocabulary) this.cache.set(qid, vocabulary);
    return vocabulary;
  }

  /** The page facts alone, without building a generated entity (a revision check stays cheap). */
  pageOf(qid: string): PageInfo | undefined {
    const patch = this.patches.get(qid);
    const index = this.fixtures.entities.has(qid) ? undefined : generatedIndex(qid, this.count);
    const page = index !== undefined ? generatedPageInfo(this.seed, index) : this.base(qid)?.page;
    if (!page) return undefined;
    return patch ? patchedPage(page, patch) : page;
  }

  /**
   * The item with every edit applied, a redirect (merged item), or missing. `claims: false` when the
   * statements will not be shown (a labels request): a generated item is then built without them.
   */
  lookup(qid: string, options: { claims?: boolean } = {}): ItemLookup {
    const page = this.lookupPage(qid);
    if (page.kind !== 'item') return page;
    const base = this.base(qid, options);
    if (!base) return { kind: 'missing' };
    const patch = this.patches.get(qid);
    return patch ? { kind: 'item', ...applyPatch(base, patch) } : { kind: 'item', ...base };
  }

  /** A redirect known from fixtures only: its page facts, derived when no capture gives them. */
  private redirectPageOf(qid: string): PageInfo {
    const captured = this.fixtures.pages.get(qid);
    const n = hash32('redirect-page', qid);
    return {
      pageid: captured?.pageid ?? 150_000_000 + (n % 10_000_000),
      lastrevid: captured?.lastrevid ?? 1_000_000_000 + (n % 100_000_000),
      touched: captured?.touched ?? mwTimestamp(Date.UTC(2023, 0, 1)),
      length: 60,
    };
  }

  /** Like lookup, with the page facts only: what a revision check needs, cheap for generated items. */
  lookupPage(qid: string): PageLookup {
    if (this.deleted.has(qid)) return { kind: 'missing' };
    const to = this.redirects.get(qid);
    if (to !== undefined) {
      const page = this.redirectPages.get(qid) ?? this.redirectPageOf(qid);
      return { kind: 'redirect', to, page };
    }
    const page = this.pageOf(qid);
    return page ? { kind: 'item', page } : { kind: 'missing' };
  }

  patch(qid: string, revision: { lastrevid: number; ms: number; length?: number }): ItemPatch {
    const at = mwTimestamp(revision.ms);
    const existing = this.patches.get(qid);
    const base = existing ? undefined : this.pageOf(qid);
    if (base) this.editedBases.set(base.lastrevid, qid);
    const patch = existing ?? { lastrevid: 0, modified: at, touched: at };
    if (revision.length !== undefined) patch.length = revision.length;
    patch.lastrevid = revision.lastrevid;
    patch.modified = at;
    patch.touched = at;
    this.patches.set(qid, patch);
    return patch;
  }

  /**
   * A revision from before any edit through the store: a captured one, or an item's base revision
   * (its first lastrevid). A base revision says what wbgetentities served: revid = lastrevid,
   * timestamp = modified. Its parentid, user and comment are invented: the parent is a lower
   * number derived from the revid (answered as unknown if asked for), the comment a plain
   * `wbeditentity-update:0|` autocomment. Known base revisions: fixture items', and those of items edited
   * through the store. An unedited generated or vocabulary item's is not: its lastrevid is a hash of
   * its index, and finding the item again would mean building the whole range.
   */
  baseRevision(revid: number): Revision | undefined {
    const captured = this.fixtures.revisions.get(revid);
    if (captured) return captured;
    const qid = this.editedBases.get(revid) ?? this.fixtureBaseIds().get(revid);
    if (qid === undefined || this.lookupPage(qid).kind === 'missing') return undefined;
    const base = this.base(qid, { claims: false });
    if (!base) return undefined;
    return {
      revid,
      parentid: Math.max(revid - 1 - (hash32('base-parent', revid) % 1_000_000), 0),
      pageid: base.page.pageid,
      ns: 0,
      title: qid,
      timestamp: base.entity.modified ?? base.page.touched,
      comment: '/* wbeditentity-update:0| */',
      user: 'FakeEditor',
    };
  }

  private fixtureBaseIds(): Map<number, string> {
    if (!this.fixtureBases) {
      this.fixtureBases = new Map();
      for (const [qid, entity] of this.fixtures.entities)
        this.fixtureBases.set(fixturePage(entity, this.fixtures.pages.get(qid)).lastrevid, qid);
    }
    return this.fixtureBases;
  }

  makeRedirect(from: string, to: string, page: PageInfo): void {
    this.redirects.set(from, to);
    this.redirectPages.set(from, page);
    this.patches.delete(from);
  }

  delete(qid: string): void {
    this.deleted.add(qid);
    this.redirects.delete(qid);
    this.patches.delete(qid);
  }

  /** Generated item ids are GENERATED_BASE + index for index < count. */
  get generatedRange(): { first: string; last: string } | undefined {
    return this.count > 0
      ? { first: `Q${GENERATED_BASE}`, last: `Q${GENERATED_BASE + this.count - 1}` }
      : undefined;
  }

  get patchedCount(): number {
    return this.patches.size;
  }
}

function applyPatch(base: Base, patch: ItemPatch): Base {
  const claims: Record<string, readonly Statement[]> | undefined = patch.claims
    ? { ...base.entity.claims }
    : undefined;
  if (patch.claims && claims) {
    for (const [property, statements] of Object.entries(patch.claims)) {
      if (statements.length) claims[property] = statements;
      else delete claims[property];
    }
  }
  const sitelinks: Record<string, Sitelink> | undefined = patch.sitelinks
    ? { ...base.entity.sitelinks }
    : undefined;
  if (patch.sitelinks && sitelinks) {
    for (const [site, link] of Object.entries(patch.sitelinks)) {
      if (link) sitelinks[site] = link;
      else delete sitelinks[site];
    }
  }
  const entity: Entity = {
    ...base.entity,
    lastrevid: patch.lastrevid,
    modified: patch.modified,
    ...(claims ? { claims } : {}),
    ...(sitelinks ? { sitelinks } : {}),
  };
  return { entity, page: patchedPage(base.page, patch) };
}

function patchedPage(page: PageInfo, patch: ItemPatch): PageInfo {
  return { ...page, lastrevid: patch.lastrevid, touched: patch.touched, length: patch.length ?? page.length };
}
