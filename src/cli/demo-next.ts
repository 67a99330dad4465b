// What `factsync demo` tells its user to type next: the review commands, with ids of proposals it
// found, against the demo's own store. README.md shows the same block (a test runs it as written).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../config.js';
import type { Proposal } from '../model/proposal.js';

/**
 * The proposals a first review would take: the `add` proposals (Wikidata has a value the card lacks)
 * of the entity with the most of them, by field. Proposal ids are fingerprints of what was found, so
 * against the fake's fixtures they are the same on every machine.
 */
export function sampleReview(open: readonly Proposal[]): Proposal[] {
  const adds = new Map<string, Proposal[]>();
  for (const p of open) if (p.kind === 'add') adds.set(p.entity, [...(adds.get(p.entity) ?? []), p]);
  const [, chosen = []] =
    [...adds].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))[0] ?? [];
  return [...chosen].sort((a, b) => a.field.localeCompare(b.field));
}

/**
 * The `--config` that reads `storePath`, as the user would type it: `config/demo.yaml` from where they
 * are (a checkout), else the one shipped with factsync; undefined when neither does (a --config of
 * the user's own moved the store).
 */
export function demoConfigArg(storePath: string, cwd = process.cwd()): string | undefined {
  const candidates = [path.join(cwd, 'config', 'demo.yaml'), path.join(PROJECT_ROOT, 'config', 'demo.yaml')];
  const reads = (file: string) => {
    try {
      return path.resolve(loadConfig({ file, env: {} }).store.path) === path.resolve(storePath);
    } catch {
      return false; // an edited demo.yaml that no longer loads: not the one to point at
    }
  };
  const file = candidates.find((candidate) => existsSync(candidate) && reads(candidate));
  return file ? path.relative(cwd, file) : undefined;
}

/** The closing lines: where the findings are, and the commands to review them, ready to paste. */
export function nextSteps(options: {
  storePath: string;
  sample: readonly Proposal[];
  cwd?: string;
}): string[] {
  const cwd = options.cwd ?? process.cwd();
  const store = path.relative(cwd, options.storePath) || options.storePath;
  const configArg = demoConfigArg(options.storePath, cwd);
  if (!configArg)
    return [
      `the findings are in ${store}: review them with --config FILE, a file that sets store.path: ${store}`,
    ];
  const on = ` --config ${configArg}`;
  const [accept1, accept2, reject] = options.sample.map((p) => p.id);
  return [
    `the findings are in the demo's own store (${store}), apart from your real one; review them:`,
    `  npx factsync proposals${on}`,
    ...(accept1 ? [`  npx factsync accept ${[accept1, accept2].filter(Boolean).join(' ')}${on}`] : []),
    ...(reject ? [`  npx factsync reject ${reject} --note "not what the card means"${on}`] : []),
    `  npx factsync apply --dry-run${on}`,
    `  npx factsync report${on}`,
  ];
}
