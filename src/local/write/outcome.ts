// What one apply did, proposal by proposal, as it is built: applied ids, skips and refusals with
// their proposal, what needs a person, and the files changed.

import type { Proposal, ProposalKind } from '../../model/proposal.js';
import type { PersonLine } from './cards.js';
import type { Guard, Skip } from './rules.js';

export interface ApplySkip {
  readonly id: string;
  readonly entity: string;
  readonly field: string;
  readonly kind: ProposalKind;
  readonly reason: string;
  /** Set when apply refused because a side moved since the proposal was found (REFUSED). */
  readonly code?: string;
}

/** A proposal left for a person: the lines stating its old value say more about it than the value. */
export interface ApplyNeedsPerson {
  readonly id: string;
  readonly entity: string;
  readonly field: string;
  readonly kind: ProposalKind;
  readonly file: string;
  readonly lines: readonly PersonLine[];
}

/** A file apply changed (or, in a dry run, would change). */
export interface FileChange {
  readonly file: string;
  /** The proposals it now carries. */
  readonly applied: readonly string[];
  /** What changed, as a unified diff; in dry runs only. */
  readonly preview?: string;
}

/** The outcome being built: applied ids, skips with their proposal, changed files. */
export class Outcome {
  readonly applied: string[] = [];
  readonly skipped: ApplySkip[] = [];
  readonly needsPerson: ApplyNeedsPerson[] = [];
  readonly files: FileChange[] = [];
  constructor(
    private readonly byId: ReadonlyMap<string, Proposal>,
    /** Refuses proposals whose record or item moved since they were found. */
    readonly guard: Guard,
  ) {}

  skip(skips: readonly Skip[]): void {
    for (const { id, reason, code } of skips) {
      const p = this.byId.get(id);
      if (p)
        this.skipped.push({
          id,
          entity: p.entity,
          field: p.field,
          kind: p.kind,
          reason,
          ...(code === undefined ? {} : { code }),
        });
    }
  }

  person(file: string, needs: ReadonlyArray<{ id: string; lines: readonly PersonLine[] }>): void {
    for (const { id, lines } of needs) {
      const p = this.byId.get(id);
      if (p) this.needsPerson.push({ id, entity: p.entity, field: p.field, kind: p.kind, file, lines });
    }
  }

  skipAll(proposals: readonly Proposal[], reason: string): void {
    this.skip(proposals.map((p) => ({ id: p.id, reason })));
  }
}

/** Why a proposal of an entity the local store no longer holds is skipped. */
export const gone = (kind: string, where: string) =>
  `the entity is no longer in the local store (${kind}: ${where}); nothing to write`;
