// A config for tests: the project defaults, with no environment leaking in from the machine.

import { type Config, loadConfig } from '../../src/config.js';

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ env: {}, overrides });
}
