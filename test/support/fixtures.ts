// The project's own Wikimedia fixtures (test/fixtures/wikimedia, shapes cited in its README).

import { readFileSync } from 'node:fs';

export function wikimediaFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/wikimedia/${name}`, import.meta.url), 'utf8'));
}

/** Real captured responses (test/fixtures/wikimedia-captures; provenance in its README). */
export function wikimediaCapture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/wikimedia-captures/${name}`, import.meta.url), 'utf8'));
}
