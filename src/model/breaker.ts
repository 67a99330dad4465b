// The circuit breaker (issue 16, point 5): a run whose new proposals are an abnormal share of what it
// compared — a mass edit, a broken upstream, a misconfigured field — is held for a person to release or
// discard, instead of flooding the review queue. Pure: the run's counts in, the verdict out.
//
// The rule: the run trips when its new proposals exceed max(maxNewShare × compared, minHeld), or when
// the new proposals of one field exceed max(maxNewFieldShare × compared, minHeld) — a single field
// disagreeing across the store. `compared` is every entity the run compared (fetched in full), the only
// denominator every run knows for every field. minHeld keeps a small store (or a refresh of ten
// entities) from being held over a handful of real findings. A share of 0 turns its rule off.

export interface BreakerSettings {
  /** The share of compared entities the run's new proposals may reach (0: off). */
  readonly maxNewShare: number;
  /** The share the new proposals of one field may reach (0: off). */
  readonly maxNewFieldShare: number;
  /** New proposals never hold a run below this count. */
  readonly minHeld: number;
}

export interface BreakerInput {
  /** Entities compared by the run. */
  readonly compared: number;
  /** The run's new proposals (still open) by field. */
  readonly newByField: Readonly<Record<string, number>>;
}

export interface BreakerVerdict {
  readonly held: boolean;
  /** Why, in words (empty when not held). */
  readonly reason: string;
  /** The fields over their own limit. */
  readonly fields: readonly string[];
  readonly created: number;
  readonly compared: number;
}

/** Whether a run's new proposals hold it, and why. */
export function tripBreaker(input: BreakerInput, settings: BreakerSettings): BreakerVerdict {
  const created = Object.values(input.newByField).reduce((sum, n) => sum + n, 0);
  const limit = (share: number) => Math.max(share * input.compared, settings.minHeld);
  const runOver = settings.maxNewShare > 0 && created > limit(settings.maxNewShare);
  const fields =
    settings.maxNewFieldShare > 0
      ? Object.keys(input.newByField)
          .filter((field) => (input.newByField[field] ?? 0) > limit(settings.maxNewFieldShare))
          .sort()
      : [];
  const reasons: string[] = [];
  if (runOver)
    reasons.push(
      `${created} new proposals for ${input.compared} entities compared (${percent(created, input.compared)}, more than ${percent(settings.maxNewShare)})`,
    );
  for (const field of fields) {
    const count = input.newByField[field] ?? 0;
    reasons.push(
      `${count} new proposals of field ${field} (${percent(count, input.compared)} of the entities compared, more than ${percent(settings.maxNewFieldShare)})`,
    );
  }
  return {
    held: reasons.length > 0,
    reason: reasons.join('; '),
    fields,
    created,
    compared: input.compared,
  };
}

function percent(part: number, whole = 1): string {
  const share = whole > 0 ? (part / whole) * 100 : 100;
  return `${Number(share.toFixed(1))} %`;
}
