// Fault injection for the fake Wikimedia: which misbehaviour a request meets, as a pure choice from
// one uniform draw, and the `--faults` text form. Rates are probabilities per API request; the
// stream's knobs (streamError, streamDrop) apply to EventStreams connections only (stream-http.ts).

export interface FaultSpec {
  /** HTTP 500, 502 or 504 (never 503: that is `unavailableRate`). */
  readonly errorRate?: number;
  /** HTTP 503 with Retry-After. */
  readonly unavailableRate?: number;
  /** The request is accepted and never answered (the socket is held `timeoutMs`, or until close). */
  readonly timeoutRate?: number;
  /** HTTP 200 with the maxlag error body, Retry-After and X-Database-Lag; only for requests sending `maxlag`. */
  readonly maxlagRate?: number;
  /** HTTP 429 with Retry-After. */
  readonly throttleRate?: number;
  /** A valid status and content-length, then half the body, then the socket is destroyed. */
  readonly truncateRate?: number;
  /** The Retry-After the fake announces, in seconds (default 1). */
  readonly retryAfterSeconds?: number;
  /** How long a timed-out request holds its socket, in milliseconds (default 60000). */
  readonly timeoutMs?: number;
  /** EventStreams: a stream connection is refused with HTTP 503 at this rate (not part of the API rates). */
  readonly streamErrorRate?: number;
  /** EventStreams: every stream connection is broken after this many events (0 or none: never). */
  readonly streamDropAfter?: number;
}

export type FaultKind = 'error' | 'unavailable' | 'timeout' | 'maxlag' | 'throttle' | 'truncate';
export const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'unavailable',
  'timeout',
  'maxlag',
  'throttle',
  'truncate',
];

const RATE_OF: Readonly<Record<FaultKind, keyof FaultSpec>> = {
  error: 'errorRate',
  unavailable: 'unavailableRate',
  timeout: 'timeoutRate',
  maxlag: 'maxlagRate',
  throttle: 'throttleRate',
  truncate: 'truncateRate',
};

/** The `--faults` keys, and the FaultSpec field each sets. */
const TEXT_KEYS: Readonly<Record<string, keyof FaultSpec>> = {
  error: 'errorRate',
  '5xx': 'errorRate',
  '503': 'unavailableRate',
  unavailable: 'unavailableRate',
  timeout: 'timeoutRate',
  maxlag: 'maxlagRate',
  '429': 'throttleRate',
  throttle: 'throttleRate',
  truncate: 'truncateRate',
  retryAfter: 'retryAfterSeconds',
  timeoutMs: 'timeoutMs',
  streamError: 'streamErrorRate',
  streamDrop: 'streamDropAfter',
};

export class FaultSpecError extends Error {
  readonly code = 'FAULT_SPEC';
}

/** Checks a spec: rates in [0, 1] adding up to at most 1, positive durations. Returns it unchanged. */
export function validateFaultSpec(spec: FaultSpec): FaultSpec {
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    const name = RATE_OF[kind];
    const rate = spec[name];
    if (rate === undefined) continue;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1)
      throw new FaultSpecError(
        `fault rate ${name} must be a number from 0 to 1, got ${JSON.stringify(rate)}`,
      );
    sum += rate;
  }
  if (sum > 1 + 1e-9) throw new FaultSpecError(`fault rates add up to ${sum}, more than 1`);
  const streamRate = spec.streamErrorRate;
  if (streamRate !== undefined && (typeof streamRate !== 'number' || !(streamRate >= 0 && streamRate <= 1)))
    throw new FaultSpecError(
      `streamErrorRate must be a number from 0 to 1, got ${JSON.stringify(streamRate)}`,
    );
  const drop = spec.streamDropAfter;
  if (drop !== undefined && (!Number.isInteger(drop) || drop < 0))
    throw new FaultSpecError(`streamDropAfter must be a whole number of events, got ${JSON.stringify(drop)}`);
  for (const name of ['retryAfterSeconds', 'timeoutMs'] as const) {
    const value = spec[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
      throw new FaultSpecError(`${name} must be a number of at least 0, got ${JSON.stringify(value)}`);
  }
  return spec;
}

/**
 * Parses `error=0.1,timeout=0.05,maxlag=0.02,429=0.02,503=0.01,truncate=0.01,retryAfter=1`.
 * Empty text or `none` is no faults. A bad key or value throws, naming it.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: Record<string, number> = {};
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return {};
  for (const part of trimmed.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`fault "${item}": expected KEY=VALUE, such as error=0.1`);
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    const field = TEXT_KEYS[key];
    if (!field)
      throw new FaultSpecError(`unknown fault key "${key}": use ${Object.keys(TEXT_KEYS).join(', ')}`);
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value))
      throw new FaultSpecError(`fault "${key}": "${raw}" is not a number`);
    spec[field] = value;
  }
  try {
    return validateFaultSpec(spec);
  } catch (error) {
    throw new FaultSpecError(`--faults: ${(error as Error).message}`);
  }
}

/** The fault a request meets for a uniform draw `u` in [0, 1); maxlag only for requests that sent `maxlag`. */
export function chooseFault(spec: FaultSpec, u: number, sentMaxlag: boolean): FaultKind | undefined {
  let threshold = 0;
  for (const kind of FAULT_KINDS) {
    threshold += spec[RATE_OF[kind]] ?? 0;
    if (u < threshold) return kind === 'maxlag' && !sentMaxlag ? undefined : kind;
  }
  return undefined;
}

/** The spec in its `--faults` text form, for the CLI's summary line. */
export function describeFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  const names: Readonly<Record<FaultKind, string>> = {
    error: 'error',
    unavailable: '503',
    timeout: 'timeout',
    maxlag: 'maxlag',
    throttle: '429',
    truncate: 'truncate',
  };
  for (const kind of FAULT_KINDS) {
    const rate = spec[RATE_OF[kind]];
    if (rate) parts.push(`${names[kind]}=${rate}`);
  }
  if (spec.streamErrorRate) parts.push(`streamError=${spec.streamErrorRate}`);
  if (spec.streamDropAfter) parts.push(`streamDrop=${spec.streamDropAfter}`);
  if (parts.length === 0) return 'none';
  if (spec.retryAfterSeconds !== undefined) parts.push(`retryAfter=${spec.retryAfterSeconds}`);
  return parts.join(',');
}
