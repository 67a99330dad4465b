// The mutation API over HTTP, for the CLI demo and for tests in other processes:
// `POST /__control/<action>` with a JSON body naming the arguments, e.g.
//   POST /__control/setStatementValue  {"qid":"Q124544998","property":"P856","value":"https://sora.com/"}
// Actions: bumpRevision {qid} · setStatementValue {qid, property, value} · mergeItem {from, to} ·
// deleteItem {qid} · movePage {lang, from, to, redirect?} · setPageItem {lang, title, qid} ·
// editPage {lang, title, comment?} · redirectPage {lang, from, to, fragment?} · deletePage {lang, title} ·
// changeFraction {fraction, seed, valueShare?} · setFaults {faults: FaultSpec | "--faults text"} ·
// advanceClock {ms} (the fake's world moves on: a night later, for the benchmark).

import { FakeInputError } from './errors.js';
import { type FaultSpec, parseFaultSpec, validateFaultSpec } from './faults.js';
import type { FakeStore } from './store.js';

export class ControlError extends FakeInputError {
  override readonly code: string = 'CONTROL';
}

type Args = Record<string, unknown>;

function text(args: Args, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value === '')
    throw new ControlError(`"${name}" must be a non-empty string`);
  return value;
}

function number(args: Args, name: string, fallback?: number): number {
  const value = args[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ControlError(`"${name}" must be a number`);
  return value;
}

export const CONTROL_ACTIONS = [
  'bumpRevision',
  'setStatementValue',
  'mergeItem',
  'deleteItem',
  'movePage',
  'setPageItem',
  'editPage',
  'redirectPage',
  'deletePage',
  'changeFraction',
  'setFaults',
  'advanceClock',
] as const;

/** Runs one control action; returns what to answer. Throws ControlError (or the store's Error) on bad input. */
export function runControl(
  action: string,
  args: Args,
  target: { store: FakeStore; setFaults(spec: FaultSpec): void; advanceClock(ms: number): number },
): Record<string, unknown> {
  const { store } = target;
  switch (action) {
    case 'bumpRevision':
      return { revid: store.bumpRevision(text(args, 'qid')) };
    case 'setStatementValue':
      if (!('value' in args)) throw new ControlError('"value" is required (null removes the statements)');
      return { revid: store.setStatementValue(text(args, 'qid'), text(args, 'property'), args.value) };
    case 'mergeItem':
      return { revid: store.mergeItem(text(args, 'from'), text(args, 'to')) };
    case 'deleteItem':
      store.deleteItem(text(args, 'qid'));
      return { deleted: args.qid };
    case 'movePage': {
      const redirect = args.redirect ?? true;
      if (typeof redirect !== 'boolean') throw new ControlError('"redirect" must be true or false');
      return { page: store.movePage(text(args, 'lang'), text(args, 'from'), text(args, 'to'), { redirect }) };
    }
    case 'setPageItem': {
      const qid = args.qid === null ? null : text(args, 'qid');
      return { page: store.setPageItem(text(args, 'lang'), text(args, 'title'), qid) };
    }
    case 'editPage': {
      const comment = args.comment === undefined ? undefined : text(args, 'comment');
      return { page: store.editPage(text(args, 'lang'), text(args, 'title'), comment) };
    }
    case 'redirectPage': {
      const fragment = args.fragment === undefined ? undefined : text(args, 'fragment');
      return {
        page: store.redirectPage(text(args, 'lang'), text(args, 'from'), text(args, 'to'), fragment),
      };
    }
    case 'deletePage':
      store.deletePage(text(args, 'lang'), text(args, 'title'));
      return { deleted: args.title };
    case 'changeFraction': {
      const changed = store.changeFraction(
        number(args, 'fraction'),
        number(args, 'seed', 1),
        number(args, 'valueShare', 0),
      );
      return { changed: changed.length, ids: changed.slice(0, 100) };
    }
    case 'setFaults': {
      const faults = args.faults;
      const spec =
        typeof faults === 'string'
          ? parseFaultSpec(faults)
          : validateFaultSpec((typeof faults === 'object' && faults !== null ? faults : {}) as FaultSpec);
      target.setFaults(spec);
      return { faults: spec };
    }
    case 'advanceClock': {
      const ms = number(args, 'ms');
      if (ms < 0) throw new ControlError('"ms" must be 0 or more');
      return { now: new Date(target.advanceClock(ms)).toISOString() };
    }
    default:
      throw new ControlError(`unknown control action "${action}": use ${CONTROL_ACTIONS.join(', ')}`);
  }
}
