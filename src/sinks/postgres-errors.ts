// PostgreSQL errors as StoreErrors: a connection problem is STORE_UNAVAILABLE (the pipeline retries the
// batch), anything else STORE_FAILED; the URL's password never appears in a message or a cause.

import { inspect } from 'node:util';
import { redactSecrets, redactUrl } from '../text/redact.js';
import { StoreError } from './store-rows.js';

/** Connection-level failures (network errno, SQLSTATE class 08, shutdown, too many connections). */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const UNAVAILABLE_STATE = /^(08|57P0[123]|53300)/;

/**
 * Turns any failure into a StoreError whose message names the server by its redacted URL and holds
 * no password, even where the driver echoed the connection string. The driver's error is attached as
 * `cause` only when it is free of the password too; its SQLSTATE is kept as `sqlState`.
 */
export function redactor(url: string): (error: unknown) => StoreError {
  const secrets = passwordsOf(url);
  const scrub = (text: string) =>
    redactSecrets(secrets.reduce((out, secret) => out.split(secret).join('***'), text));
  const where = redactUrl(url);
  return (error) => {
    if (error instanceof StoreError && secrets.every((s) => !error.message.includes(s))) return error;
    const raw = error as { message?: unknown; code?: unknown; stack?: unknown };
    const message = scrub(String(raw?.message ?? error));
    const code = typeof raw?.code === 'string' ? raw.code : undefined;
    const unavailable =
      (code !== undefined && (UNAVAILABLE_ERRNO.has(code) || UNAVAILABLE_STATE.test(code))) ||
      /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(message);
    // Node's URL errors carry the whole URL in `input`: look at everything the cause would show.
    const shown = inspect(error, { depth: 6, showHidden: true });
    const clean = secrets.every((s) => !shown.includes(s));
    const badUrl = code === 'ERR_INVALID_URL';
    const wrapped = new StoreError(
      error instanceof StoreError
        ? error.code
        : badUrl
          ? 'BAD_ARGUMENT'
          : unavailable
            ? 'STORE_UNAVAILABLE'
            : 'STORE_FAILED',
      badUrl
        ? `not a valid PostgreSQL URL: ${where}`
        : unavailable
          ? `PostgreSQL at ${where} is unavailable: ${message}`
          : `PostgreSQL: ${message}`,
      clean ? { cause: error } : undefined,
    );
    return Object.assign(wrapped, code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? { sqlState: code } : {});
  };
}

/** The passwords a connection string carries: in its userinfo, and as ?password= or ?sslpassword=. */
function passwordsOf(url: string): string[] {
  const found = [...url.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)].map((match) => match[1] ?? '');
  try {
    found.push(new URL(url).password);
  } catch {
    found.push(/^[a-z]+:\/\/[^:/@]*:([^@/]*)@/i.exec(url)?.[1] ?? '');
  }
  const forms = found.flatMap((password) => {
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  });
  return [...new Set(forms)].filter((s) => s.length > 0);
}

export async function guarded<T>(redact: (error: unknown) => StoreError, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw redact(error);
  }
}
