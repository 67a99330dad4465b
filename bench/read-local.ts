// Benchmark (not a test) of the local store readers: how fast the jsonl and cards adapters stream
// records, and whether their memory stays flat as the store grows tenfold.
//
// Usage: npm run bench:read -- [options]   (or: node --import tsx bench/read-local.ts [options])
//   --lines N   JSONL lines of the large run (default 1,000,000); the small run reads the first N/10
//   --cards M   Markdown cards of the large run (default 100,000); the small run reads the first M/10
//   --dir D     work folder for the generated data (default .bench/read-local under the project)
//   --fresh     regenerate the data even if the work folder already holds data of the same counts
//
// The data is generated once (streamed to disk, deterministic, ~0.1% defective records: bad JSON, an
// invalid QID or an unparseable date) and reused while the counts match. Each reader then runs in its own
// child process (`--child jsonl|cards --path P --expect N`, internal), so the peak RSS it reports is that
// reader's alone. Results go to stdout as a Markdown table; progress goes to stderr.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mulberry32, type Random } from '../dev/fake-wikimedia/src/random.js';
import { loadConfig } from '../src/config.js';
import { openLocalSource } from '../src/local/read/index.js';
import { MONTH_NAMES } from '../src/model/time.js';
import { spawnScript } from '../test/support/spawn.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
/** Bump when the generated data changes, so an old work folder is regenerated. */
const DATA_VERSION = 1;
/** One record in this many is defective. */
const DEFECT_EVERY = 1000;
const CARDS_PER_FOLDER = 1000;
const WRITES_IN_FLIGHT = 16;
const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// Options

interface Options {
  readonly lines: number;
  readonly cards: number;
  readonly dir: string;
  readonly fresh: boolean;
}

type ReaderKind = 'jsonl' | 'cards';

function count(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer`);
  return value;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      lines: { type: 'string' },
      cards: { type: 'string' },
      dir: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      child: { type: 'string' },
      path: { type: 'string' },
      expect: { type: 'string' },
    },
  });
  const options: Options = {
    lines: count(values.lines, 1_000_000, 'lines'),
    cards: count(values.cards, 100_000, 'cards'),
    dir: path.resolve(values.dir ?? path.join(ROOT, '.bench', 'read-local')),
    fresh: values.fresh,
  };
  return { options, child: values.child, childPath: values.path, expect: values.expect };
}

// ---------------------------------------------------------------------------------------------------
// Deterministic synthetic entities

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const between = (random: Random, low: number, high: number) => low + Math.floor(random() * (high - low + 1));

const NAME_HEADS = ['Nimbus', 'Aurora', 'Quill', 'Vector', 'Halcyon', 'Lumen', 'Cobalt', 'Juniper', 'Orbit'];
const NAME_TAILS = ['Vision', 'Studio', 'Lab', 'Engine', 'Works', 'Forge', 'Atlas', 'Signal', 'Canvas'];
const PRODUCT_TYPES = [
  'text-to-video model',
  'large language model',
  'image generation model',
  'speech recognition system',
  'diffusion model',
  'artificial intelligence model',
  'transformer',
  'software library',
  'web application',
];
const ORG_TYPES = ['artificial intelligence company', 'software company', 'research institute', 'startup'];
const DEVELOPERS: ReadonlyArray<{ label: string; id?: string }> = [
  { label: 'OpenAI', id: 'Q21708200' },
  { label: 'Google', id: 'Q95' },
  { label: 'Microsoft', id: 'Q2283' },
  { label: 'Nvidia', id: 'Q182477' },
  { label: 'Kuaishou' },
  { label: 'Stability AI' },
  { label: 'Mistral AI' },
  { label: 'Runway' },
  { label: 'Hugging Face' },
];
const WIKIS = [
  { lang: 'en', name: 'English' },
  { lang: 'en', name: 'English' },
  { lang: 'en', name: 'English' },
  { lang: 'en', name: 'English' },
  { lang: 'de', name: 'Deutsch' },
  { lang: 'fr', name: 'Français' },
] as const;

interface SyntheticDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

interface Entity {
  readonly index: number;
  readonly key: string;
  readonly qid: string;
  readonly name: string;
  readonly organization: boolean;
  readonly types: readonly string[];
  readonly maker: { label: string; id?: string };
  readonly description: string;
  readonly dateField: 'announced' | 'published' | 'inception';
  readonly date: SyntheticDate;
  readonly dateForm: number;
  readonly followedBy?: string;
  readonly website: string;
  readonly wiki: { lang: string; name: string; title: string };
  readonly defect?: 'json' | 'qid' | 'date';
}

function syntheticDate(random: Random): SyntheticDate {
  const year = between(random, 1995, 2025);
  const precision = random();
  if (precision < 0.15) return { year };
  if (precision < 0.4) return { year, month: between(random, 1, 12) };
  return { year, month: between(random, 1, 12), day: between(random, 1, 28) };
}

function defectOf(index: number): Entity['defect'] {
  if (index % DEFECT_EVERY !== DEFECT_EVERY / 2) return undefined;
  return (['json', 'qid', 'date'] as const)[Math.floor(index / DEFECT_EVERY) % 3];
}

function makeEntity(index: number, random: Random): Entity {
  const organization = random() < 0.2;
  const base = `${pick(random, NAME_HEADS)} ${pick(random, NAME_TAILS)}`;
  const name = `${base} ${index}`;
  const types = organization
    ? [pick(random, ORG_TYPES)]
    : [...new Set(Array.from({ length: between(random, 1, 3) }, () => pick(random, PRODUCT_TYPES)))];
  const maker = pick(random, DEVELOPERS);
  const wiki = pick(random, WIKIS);
  const disambiguated = !organization && random() < 0.3;
  const defect = defectOf(index);
  return {
    index,
    key: `e${index}`,
    qid: `Q${1000 + index}`,
    name,
    organization,
    types,
    maker,
    description: organization
      ? `${types[0]} owned by ${maker.label}`
      : `${types[0]} developed by ${maker.label}`,
    dateField: organization ? 'inception' : random() < 0.6 ? 'announced' : 'published',
    date: syntheticDate(random),
    dateForm: between(random, 0, 3),
    ...(organization || random() < 0.3 ? {} : { followedBy: `${base} ${index + 1}` }),
    website: `https://${base.toLowerCase().replace(/\s+/g, '-')}.example.org/${index}`,
    wiki: { ...wiki, title: disambiguated ? `${name} (software)` : name },
    ...(defect ? { defect } : {}),
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function isoDate(date: SyntheticDate): string {
  if (date.month === undefined) return pad(date.year, 4);
  if (date.day === undefined) return `${pad(date.year, 4)}-${pad(date.month, 2)}`;
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** The date as a card writes it: "February 15, 2024", "15 February 2024", "Feb 15, 2024", "2024-02-15"… */
function proseDate(date: SyntheticDate, form: number): string {
  if (date.month === undefined) return String(date.year);
  const month = MONTH_NAMES[date.month - 1] ?? '';
  if (date.day === undefined) return form % 2 === 0 ? `${month} ${date.year}` : isoDate(date);
  if (form === 0) return `${month} ${date.day}, ${date.year}`;
  if (form === 1) return `${date.day} ${month} ${date.year}`;
  if (form === 2) return `${month.slice(0, 3)} ${date.day}, ${date.year}`;
  return isoDate(date);
}

// ---------------------------------------------------------------------------------------------------
// JSONL lines

function jsonlFacts(entity: Entity): Record<string, unknown> {
  const maker =
    entity.maker.id && entity.index % 2 === 0
      ? { id: entity.maker.id, label: entity.maker.label }
      : entity.maker.label;
  const date = entity.index % 5 === 0 ? proseDate(entity.date, entity.dateForm) : isoDate(entity.date);
  const facts: Record<string, unknown> = {
    [entity.dateField]: entity.defect === 'date' ? 'Junuary 6, 2024' : date,
    [entity.organization ? 'owner' : 'developer']: [maker],
    website: entity.website,
    instanceOf: entity.types,
  };
  if (entity.followedBy) facts.followedBy = entity.followedBy;
  return facts;
}

function jsonlLine(entity: Entity): string {
  const line = JSON.stringify({
    key: entity.key,
    qid: entity.defect === 'qid' ? `Q${entity.index}x` : entity.qid,
    label: entity.name,
    description: entity.description,
    wikipedia: { lang: entity.wiki.lang, title: entity.wiki.title },
    facts: jsonlFacts(entity),
  });
  // A line cut short, as a crashed writer leaves it.
  return entity.defect === 'json' ? line.slice(0, -20) : line;
}

// ---------------------------------------------------------------------------------------------------
// Markdown cards

const wikidataUrl = (qid: string) => `https://www.wikidata.org/wiki/${qid}`;
const wikipediaUrl = (wiki: Entity['wiki']) =>
  `https://${wiki.lang}.wikipedia.org/wiki/${wiki.title.replace(/ /g, '_')}`;
const pascal = (text: string) =>
  text
    .split(/[\s-]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

function datePhrase(entity: Entity): string {
  const written = entity.defect === 'date' ? 'Junuary 6, 2024' : proseDate(entity.date, entity.dateForm);
  const on = entity.date.day !== undefined || entity.defect === 'date' ? 'on' : 'in';
  const verb = { announced: 'announced', published: 'released', inception: 'founded' }[entity.dateField];
  return `${verb} ${on} ${written}`;
}

function makerLink(entity: Entity): string {
  const { id, label } = entity.maker;
  return id && entity.index % 3 === 0 ? `[${label}](${wikidataUrl(id)})` : label;
}

function cardHeader(entity: Entity): string[] {
  const qid = entity.defect === 'qid' ? `Q${entity.index}x` : entity.qid;
  return [
    `# ${entity.name}`,
    '',
    `> ${entity.description}`,
    '',
    `**Wikidata**: [${qid}](${wikidataUrl(qid)})  `,
    `**Wikipedia**: [${entity.wiki.name}](${wikipediaUrl(entity.wiki)})  `,
    `**Source**: ${entity.website}`,
    '',
  ];
}

function cardSummary(entity: Entity, random: Random): string[] {
  const kind = entity.types[0] ?? 'project';
  const opener = entity.organization
    ? `${entity.name} is ${withArticle(kind)} whose work centres on applied machine learning and tooling.`
    : `${entity.name} is ${withArticle(kind)} from ${entity.maker.label}.`;
  const how = entity.organization
    ? ' by a small team of former academic researchers'
    : ', together with a short technical note and a set of examples';
  return ['## Summary', `${opener} It was ${datePhrase(entity)}${how}. ${pick(random, SUMMARY_TAILS)}`, ''];
}

const SUMMARY_TAILS = [
  'Early reviewers praised the quality of its output but questioned how it had been evaluated.',
  'Its first public release came with a detailed model card and a list of known limitations.',
  'The launch drew attention from researchers, journalists and regulators in several countries.',
  'Within a year it had become one of the most cited projects in its area.',
];

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const withArticle = (text: string) => `${/^[aeiou]/i.test(text) ? 'an' : 'a'} ${text}`;

function keyFacts(entity: Entity): string[] {
  const maker = makerLink(entity);
  const facts = [
    '## Key Facts',
    entity.organization ? `- Owned by ${maker}` : `- Developed by ${maker}`,
    entity.organization ? `- ${capitalized(datePhrase(entity))}` : `- First ${datePhrase(entity)}`,
    `- Classified as ${withArticle(listOf(entity.types))}`,
  ];
  if (entity.followedBy) facts.push(`- Followed by ${entity.followedBy}, the next generation of the project`);
  facts.push('- Documented in a public technical report with benchmark results');
  facts.push(`- Available on the official website: [${entity.website}](${entity.website})`);
  return [...facts, ''];
}

const FAQ_ANSWERS = [
  'It is aimed at developers and researchers who need reliable results without building their own infrastructure, and at teams that want to compare several approaches side by side.',
  'Access started with a small group of testers; a public programme with usage-based pricing opened several months later, after a round of safety evaluations.',
  'The team publishes regular updates, a changelog and a list of known issues, and answers questions from users in a public forum.',
];

const BODY_PARAGRAPHS = [
  'The system is built from a stack of components that were first tested separately and then trained together on a large, filtered collection of licensed and public data. The authors describe the training recipe in enough detail for others to reproduce the main results at a smaller scale.',
  'Independent evaluations found that it performs well on standard benchmarks but is less robust on inputs that differ from its training data. Several groups have published audits of its behaviour on sensitive topics, and the developers have responded with updated guidelines.',
  'Adoption grew quickly among small companies, which used it to prototype products, and more slowly in regulated industries, where questions about provenance, licensing and liability had to be settled first.',
];

/** The list from a random starting point, so a card's paragraphs differ from each other. */
function rotated<T>(random: Random, list: readonly T[]): T[] {
  const start = Math.floor(random() * list.length);
  return [...list.slice(start), ...list.slice(0, start)];
}

function cardBody(entity: Entity, random: Random): string[] {
  const [faq1, faq2] = rotated(random, FAQ_ANSWERS);
  const [why, design, adoption] = rotated(random, BODY_PARAGRAPHS);
  return [
    '## FAQs',
    `### Q: What is ${entity.name}?`,
    `A: ${faq1}`,
    '',
    '### Q: How is it maintained?',
    `A: ${faq2}`,
    '',
    '## Why It Matters',
    why ?? '',
    '',
    '## Notable For',
    '- A careful public write-up of its design and evaluation',
    '- Prompting a wide discussion about provenance and responsible release',
    '',
    '## Body',
    '### Design',
    design ?? '',
    '',
    '### Adoption',
    adoption ?? '',
    '',
  ];
}

function cardJsonLd(entity: Entity): string[] {
  const qid = entity.defect === 'qid' ? `Q${entity.index}x` : entity.qid;
  const sameAs = [wikidataUrl(qid), wikipediaUrl(entity.wiki)].map((url) => JSON.stringify(url)).join(', ');
  const types = entity.types.map((type) => JSON.stringify(pascal(type))).join(', ');
  return [
    '```json',
    '{',
    '  "@context": "https://schema.org",',
    `  "@type": "${entity.organization ? 'Organization' : 'Thing'}",`,
    `  "name": ${JSON.stringify(entity.name)},`,
    `  "description": ${JSON.stringify(entity.description)},`,
    // A missing comma: the block is not valid JSON.
    `  "url": ${JSON.stringify(entity.website)}${entity.defect === 'json' ? '' : ','}`,
    `  "sameAs": [${sameAs}],`,
    `  "additionalType": [${types}]`,
    '}',
    '```',
    '',
  ];
}

function cardText(entity: Entity, random: Random): string {
  return [
    ...cardHeader(entity),
    ...cardSummary(entity, random),
    ...keyFacts(entity),
    ...cardBody(entity, random),
    ...cardJsonLd(entity),
    '## References',
    `1. [${entity.name} — official website](${entity.website})`,
    `2. [Wikidata item ${entity.qid}](${wikidataUrl(entity.qid)})`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Generation (streamed, with backpressure)

interface Layout {
  readonly manifest: string;
  readonly jsonl: { small: string; large: string };
  readonly cards: { small: string; large: string };
}

interface Manifest {
  readonly version: number;
  readonly lines: number;
  readonly cards: number;
  /** Defective records in each data set, which the readers must report as errors. */
  readonly defects: Record<string, number>;
  readonly bytes: Record<string, number>;
}

const smallCount = (count: number) => Math.ceil(count / 10);
const defectsIn = (count: number) =>
  Math.max(0, Math.floor((count - 1 - DEFECT_EVERY / 2) / DEFECT_EVERY) + 1);

function layoutOf(dir: string): Layout {
  return {
    manifest: path.join(dir, 'manifest.json'),
    jsonl: { small: path.join(dir, 'small.jsonl'), large: path.join(dir, 'large.jsonl') },
    cards: { small: path.join(dir, 'cards-small'), large: path.join(dir, 'cards') },
  };
}

async function readManifest(file: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

async function write(stream: WriteStream, text: string): Promise<number> {
  if (!stream.write(text)) await once(stream, 'drain');
  return Buffer.byteLength(text);
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

async function generateJsonl(layout: Layout, lines: number): Promise<{ small: number; large: number }> {
  const random = mulberry32(1);
  const small = createWriteStream(layout.jsonl.small);
  const large = createWriteStream(layout.jsonl.large);
  const bytes = { small: 0, large: 0 };
  const smallLines = smallCount(lines);
  for (let index = 0; index < lines; index++) {
    const text = `${jsonlLine(makeEntity(index, random))}\n`;
    bytes.large += await write(large, text);
    if (index < smallLines) bytes.small += await write(small, text);
    if ((index + 1) % 100_000 === 0) progress(`jsonl: ${index + 1} / ${lines} lines`);
  }
  await Promise.all([close(small), close(large)]);
  return bytes;
}

function cardFile(root: string, index: number): string {
  return path.join(root, pad(Math.floor(index / CARDS_PER_FOLDER), 4), `card-${pad(index, 7)}.md`);
}

/** Runs `task` with at most `limit` in flight: the generator waits for a slot before making the next card. */
function writePool(limit: number) {
  const inFlight = new Set<Promise<void>>();
  return {
    async add(task: () => Promise<void>): Promise<void> {
      if (inFlight.size >= limit) await Promise.race(inFlight);
      const promise = task().finally(() => inFlight.delete(promise));
      inFlight.add(promise);
    },
    drain: () => Promise.all(inFlight),
  };
}

async function writeCard(files: readonly string[], text: string): Promise<void> {
  for (const file of files) await writeFile(file, text);
}

async function generateCards(layout: Layout, cards: number): Promise<{ small: number; large: number }> {
  const random = mulberry32(2);
  const pool = writePool(WRITES_IN_FLIGHT);
  const bytes = { small: 0, large: 0 };
  const smallCards = smallCount(cards);
  for (let index = 0; index < cards; index++) {
    const text = cardText(makeEntity(index, random), random);
    const size = Buffer.byteLength(text);
    const files = [cardFile(layout.cards.large, index)];
    bytes.large += size;
    if (index < smallCards) {
      files.push(cardFile(layout.cards.small, index));
      bytes.small += size;
    }
    if (index % CARDS_PER_FOLDER === 0) {
      await Promise.all(files.map((file) => mkdir(path.dirname(file), { recursive: true })));
    }
    await pool.add(() => writeCard(files, text));
    if ((index + 1) % 10_000 === 0) progress(`cards: ${index + 1} / ${cards} files`);
  }
  await pool.drain();
  return bytes;
}

async function removeData(layout: Layout): Promise<void> {
  await rm(layout.manifest, { force: true });
  for (const target of [layout.jsonl.small, layout.jsonl.large, layout.cards.small, layout.cards.large]) {
    await rm(target, { recursive: true, force: true });
  }
}

async function ensureData(options: Options, layout: Layout): Promise<Manifest> {
  const existing = await readManifest(layout.manifest);
  const same =
    existing?.version === DATA_VERSION &&
    existing.lines === options.lines &&
    existing.cards === options.cards;
  if (existing && same && !options.fresh) {
    progress(`reusing the data in ${options.dir} (--fresh regenerates it)`);
    return existing;
  }
  await removeData(layout);
  await mkdir(options.dir, { recursive: true });
  const started = performance.now();
  const jsonl = await generateJsonl(layout, options.lines);
  const cards = await generateCards(layout, options.cards);
  progress(`generated the data in ${seconds(started).toFixed(1)} s`);
  const manifest: Manifest = {
    version: DATA_VERSION,
    lines: options.lines,
    cards: options.cards,
    defects: {
      'jsonl-small': defectsIn(smallCount(options.lines)),
      'jsonl-large': defectsIn(options.lines),
      'cards-small': defectsIn(smallCount(options.cards)),
      'cards-large': defectsIn(options.cards),
    },
    bytes: {
      'jsonl-small': jsonl.small,
      'jsonl-large': jsonl.large,
      'cards-small': cards.small,
      'cards-large': cards.large,
    },
  };
  await writeFile(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

// ---------------------------------------------------------------------------------------------------
// Child: one reader, one process

interface ChildResult {
  readonly reader: ReaderKind;
  readonly path: string;
  readonly records: number;
  readonly errors: number;
  readonly warnings: number;
  readonly withConflicts: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly rssStartMiB: number;
  /** RSS when 10%, 50% and 100% of the expected results had been read. */
  readonly rssMiB: { readonly at10: number; readonly at50: number; readonly at100: number };
  readonly peakRssMiB: number;
  readonly sampleErrors: readonly string[];
}

const rssMiB = () => round(process.memoryUsage.rss() / MIB, 1);
const round = (value: number, digits: number) => Number(value.toFixed(digits));
const seconds = (since: number) => (performance.now() - since) / 1000;

async function runChild(kind: ReaderKind, file: string, expect: number): Promise<ChildResult> {
  const config = loadConfig({ env: {}, overrides: { 'local.kind': kind, 'local.path': file } });
  const rssStartMiB = rssMiB();
  const marks = [Math.ceil(expect * 0.1), Math.ceil(expect * 0.5)];
  const samples: number[] = [];
  const tally = { records: 0, errors: 0, warnings: 0, withConflicts: 0 };
  const sampleErrors: string[] = [];
  const started = performance.now();
  const source = await openLocalSource(config);
  for await (const result of source.records()) {
    if (result.ok) {
      tally.records++;
      tally.warnings += result.warnings.length;
      if (result.record.conflicts.length > 0) tally.withConflicts++;
    } else {
      tally.errors++;
      if (sampleErrors.length < 3) sampleErrors.push(result.error.error);
    }
    if (tally.records + tally.errors === marks[samples.length]) samples.push(rssMiB());
  }
  const elapsed = seconds(started);
  const at100 = rssMiB();
  return {
    reader: kind,
    path: file,
    ...tally,
    seconds: round(elapsed, 2),
    recordsPerSecond: Math.round((tally.records + tally.errors) / elapsed),
    rssStartMiB,
    rssMiB: { at10: samples[0] ?? at100, at50: samples[1] ?? at100, at100 },
    peakRssMiB: round((process.resourceUsage().maxRSS * 1024) / MIB, 1),
    sampleErrors,
  };
}

// ---------------------------------------------------------------------------------------------------
// Parent: generate, run each reader in a child, print the table

interface Run {
  readonly label: string;
  readonly kind: ReaderKind;
  readonly path: string;
  readonly expect: number;
  readonly defects: number;
}

function runsOf(options: Options, layout: Layout, manifest: Manifest): Run[] {
  const run = (kind: ReaderKind, size: 'small' | 'large', expect: number, unit: string): Run => ({
    label: `${kind} (${expect.toLocaleString('en-US')} ${unit})`,
    kind,
    path: layout[kind][size],
    expect,
    defects: manifest.defects[`${kind}-${size}`] ?? 0,
  });
  return [
    run('jsonl', 'small', smallCount(options.lines), 'lines'),
    run('jsonl', 'large', options.lines, 'lines'),
    run('cards', 'small', smallCount(options.cards), 'cards'),
    run('cards', 'large', options.cards, 'cards'),
  ];
}

/** The reader in a child of its own (test/support/spawn.ts); its stderr is passed on, line by line. */
async function spawnChild(run: Run): Promise<ChildResult> {
  const child = spawnScript(SELF, ['--child', run.kind, '--path', run.path, '--expect', String(run.expect)], {
    onStderrLine: (line) => process.stderr.write(`${line}\n`),
  });
  const { code } = await child.exited;
  const last = child.stdout().trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`${run.label}: the child exited with ${code}`);
  return JSON.parse(last) as ChildResult;
}

function checkResult(run: Run, result: ChildResult): void {
  if (result.records + result.errors !== run.expect) {
    progress(`  ! ${run.label}: read ${result.records + result.errors} results, expected ${run.expect}`);
  }
  if (result.errors !== run.defects) {
    progress(`  ! ${run.label}: ${result.errors} errors, but ${run.defects} records were made defective`);
  }
  if (result.withConflicts > 0 || result.warnings > 0) {
    progress(`  ! ${run.label}: ${result.withConflicts} records with conflicts, ${result.warnings} warnings`);
  }
}

const number = (value: number) => value.toLocaleString('en-US');

function table(rows: ReadonlyArray<{ run: Run; result: ChildResult }>): string {
  const lines = [
    '| reader | records | errors | seconds | records/s | peak RSS MiB | RSS at start / 10% / 50% / 100% MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { run, result } of rows) {
    const { at10, at50, at100 } = result.rssMiB;
    lines.push(
      `| ${run.label} | ${number(result.records)} | ${number(result.errors)} | ${result.seconds.toFixed(2)} | ` +
        `${number(result.recordsPerSecond)} | ${result.peakRssMiB.toFixed(1)} | ${result.rssStartMiB} / ${at10} / ${at50} / ${at100} |`,
    );
  }
  return lines.join('\n');
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function runParent(options: Options): Promise<void> {
  const layout = layoutOf(options.dir);
  const manifest = await ensureData(options, layout);
  const rows: Array<{ run: Run; result: ChildResult }> = [];
  for (const run of runsOf(options, layout, manifest)) {
    const started = performance.now();
    const result = await spawnChild(run);
    progress(
      `${run.label}: ${result.seconds} s reading, ${seconds(started).toFixed(1)} s with process start-up`,
    );
    progress(`  sample errors: ${JSON.stringify(result.sampleErrors)}`);
    checkResult(run, result);
    rows.push({ run, result });
  }
  process.stdout.write(`${table(rows)}\n`);
}

async function main(): Promise<void> {
  const { options, child, childPath, expect } = parseOptions(process.argv.slice(2));
  if (child === undefined) return runParent(options);
  if ((child !== 'jsonl' && child !== 'cards') || childPath === undefined) {
    throw new Error('--child needs jsonl or cards, and --path');
  }
  const result = await runChild(child, childPath, count(expect, 0, 'expect'));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
