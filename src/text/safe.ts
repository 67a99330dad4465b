// Text safe to print: what every human-readable output (command lines, error messages, the Markdown
// and HTML reports) passes its text through. Pure.

import { type EscapeOptions, escapeControl, escapeJsonControl } from './escape.js';
import { redactSecrets } from './redact.js';

export { type EscapeOptions, escapeControl, escapeJsonControl } from './escape.js';
export { redactSecrets, redactUrl, secretValuesInYaml, withoutValues } from './redact.js';

/** `text` with its secrets masked and its control characters escaped (see escape.ts, redact.ts). */
export function printable(text: string, options: EscapeOptions = {}): string {
  return escapeControl(redactSecrets(text), options);
}

/** JSON text as printed or logged: secrets masked, every control character escaped; still valid JSON. */
export function printableJson(json: string): string {
  return escapeJsonControl(redactSecrets(json));
}
