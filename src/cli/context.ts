// What every command starts from: the validated config (from --config, the environment and flags).

import type { Command } from 'commander';
import { type Config, loadConfig } from '../config.js';

export function configOf(command: Command, overrides: Record<string, unknown> = {}): Config {
  const { config: file } = command.optsWithGlobals<{ config?: string }>();
  return loadConfig({ ...(file ? { file } : {}), overrides });
}
