// What a Wikidata edit changed, read from its edit summary: Wikibase writes an autocomment naming the
// API module and its arguments, then an automatic summary, then whatever the editor added, e.g.
//   /* wbsetclaim-update:2||1 */ [[Property:P569]]: 21 January 1956
//   /* wbsetlabel-set:1|en */ Douglas Adams
//   /* wbsetsitelink-add-both:2|dewiki */ Graf Zahl, [[Q70894304]]
// (real summaries: test/fixtures/wikimedia-captures/wikiprov_query_revisions_Q12345.json and the
// module names of Wikibase's repo/i18n). The cooling-off guard asks which fields a recent edit
// touched; whatever this cannot read for sure (a whole-entity edit, a merge, an undo, a hidden or
// free-text summary) counts as touching every field.

import type { FieldSpec } from './fields.js';

export type EditScope =
  /** The values of the statements of these properties (created, changed, removed, re-ranked). */
  | { readonly kind: 'statements'; readonly properties: readonly string[] }
  /** A qualifier: the summary names the qualifier's property, not its statement's, so any statement. */
  | { readonly kind: 'qualifiers' }
  /** A reference: the statement's value stands. */
  | { readonly kind: 'references' }
  /** Labels, descriptions or aliases; `languages` absent when the summary does not say. */
  | {
      readonly kind: 'terms';
      readonly terms: 'labels' | 'descriptions' | 'aliases' | 'all';
      readonly languages?: readonly string[];
    }
  /** Sitelinks; `sites` absent when the summary does not say. */
  | { readonly kind: 'sitelinks'; readonly sites?: readonly string[] }
  | { readonly kind: 'unknown' };

const AUTOCOMMENT = /^\/\*\s*([a-z-]+)(?::[0-9]*)?((?:\|[^*]*)?)\s*\*\/\s*(.*)$/s;

const STATEMENT_MODULES = /^(wbsetclaim|wbcreateclaim|wbremoveclaims|wbsetclaimvalue|wbsetstatementrank)\b/;

/** What the edit with this summary changed (`undefined`: the summary is hidden). */
export function editScope(summary: string | undefined): EditScope {
  const match = summary === undefined ? null : AUTOCOMMENT.exec(summary.trim());
  if (!match) return { kind: 'unknown' };
  const [, module = '', rawArgs = '', rest = ''] = match;
  const args = rawArgs
    .split('|')
    .slice(1)
    .map((arg) => arg.trim());
  if (/^wbsetqualifier|^wbremovequalifiers|^wbsetclaim-update-qualifiers/.test(module))
    return { kind: 'qualifiers' };
  if (/^wbsetreference|^wbremovereferences|^wbsetclaim-update-references/.test(module))
    return { kind: 'references' };
  if (STATEMENT_MODULES.test(module)) {
    const properties = [...rest.matchAll(/\[\[Property:(P[1-9][0-9]*)\]\]/g)].map((m) => m[1] as string);
    return properties.length > 0 ? { kind: 'statements', properties } : { kind: 'unknown' };
  }
  const language = args[0] ? [args[0]] : undefined;
  const terms = (which: 'labels' | 'descriptions' | 'aliases' | 'all'): EditScope => ({
    kind: 'terms',
    terms: which,
    ...(language ? { languages: language } : {}),
  });
  if (module.startsWith('wbsetlabeldescriptionaliases')) return terms('all');
  if (module.startsWith('wbsetlabel-')) return terms('labels');
  if (module.startsWith('wbsetdescription-')) return terms('descriptions');
  if (module.startsWith('wbsetaliases-')) return terms('aliases');
  // Terms in some languages and nothing else ("…-and-other" means more than terms).
  if (/^wbeditentity-update-languages(-short)?$/.test(module)) return { kind: 'terms', terms: 'all' };
  if (/^(wbsetsitelink|clientsitelink|wblinktitles)-/.test(module)) {
    const sites = args.filter((arg) => /^[a-z][a-z0-9_]*wik[a-z]*$/.test(arg));
    return sites.length > 0 ? { kind: 'sitelinks', sites } : { kind: 'sitelinks' };
  }
  return { kind: 'unknown' };
}

/** Where a field's remote value lives: `site` is the record's Wikipedia (enwiki…) for a sitelink field. */
export interface FieldPlace {
  readonly field: FieldSpec;
  readonly languages: readonly string[];
  readonly site?: string;
}

/** Whether an edit of this scope may have changed the field's remote value. */
export function touches(scope: EditScope, { field, languages, site }: FieldPlace): boolean {
  switch (scope.kind) {
    case 'unknown':
      return true;
    case 'references':
      return false;
    case 'qualifiers':
      return field.source === 'statement';
    case 'statements':
      return field.source === 'statement' && scope.properties.includes(field.property ?? '');
    case 'terms': {
      const wanted =
        field.source === 'label'
          ? ['labels', 'aliases', 'all']
          : field.source === 'description'
            ? ['descriptions', 'all']
            : [];
      if (!wanted.includes(scope.terms)) return false;
      // `mul` holds the names that are the same in every language: read with the configured ones.
      return (
        scope.languages === undefined || scope.languages.some((l) => l === 'mul' || languages.includes(l))
      );
    }
    case 'sitelinks':
      return (
        field.source === 'sitelink' &&
        (scope.sites === undefined || site === undefined || scope.sites.includes(site))
      );
  }
}
