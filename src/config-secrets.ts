// What a user may see of the configuration: `factsync config` (redactedConfig) and the value a
// validation message quotes (shownValue), neither showing a secret nor the credentials of a URL.

import type { Config } from './config-schema.js';
import { isTree } from './config-tree.js';
import { redactSecrets, redactUrl } from './text/redact.js';

/** Keys whose value is a secret, or a connection string that may be one when not URL-shaped. */
const SECRET_KEYS = new Set(['wikidata.token', 'serve.token', 'redis.url', 'store.url']);
/** Keys whose value is a URL: its userinfo or query string may carry a credential. */
const URL_KEYS = new Set(['redis.url', 'store.url', 'wikidata.url', 'wikipedia.url']);
const URL_SHAPED = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A value as a validation message may show it: a URL with its credentials hidden; a secret, or a
 * section that holds one (`store` given as a string), not at all; any other text with whatever looks
 * like a credential masked.
 */
export function shownValue(key: string, value: unknown): unknown {
  if (value === undefined) return value;
  if (URL_KEYS.has(key) && typeof value === 'string' && URL_SHAPED.test(value)) return redactUrl(value);
  const holdsSecret =
    [...SECRET_KEYS].some((k) => k === key || k.startsWith(`${key}.`)) || key === '(top level)';
  if (holdsSecret) return '(hidden)';
  return typeof value === 'string' ? redactSecrets(value) : value;
}

/**
 * The config as a user may see it: every secret replaced by "***", the credentials of every URL
 * hidden, and any other value that looks like it carries one masked.
 */
export function redactedConfig(config: Config): unknown {
  const copy = structuredClone({
    ...config,
    fields: Object.fromEntries(config.fields.map((f) => [f.name, f])),
  });
  const hide = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (URL_KEYS.has(key)) return redactUrl(value);
      return SECRET_KEYS.has(key) ? '***' : redactSecrets(value);
    }
    if (Array.isArray(value)) return value.map((item) => hide(item, key));
    if (isTree(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hide(v, key ? `${key}.${k}` : k)]));
    return value;
  };
  return hide(copy, '');
}
