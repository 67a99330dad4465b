// The project's own Wikimedia fixtures (test/fixtures/wikimedia, shapes cited in its README).

import { readFileSync } from 'node:fs';

export function wikimediaFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/wikimedia/${name}`, import.meta.url), 'utf8'));
}
