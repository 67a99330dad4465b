import { describe, expect, it } from 'vitest';
import {
  comparePrecision,
  formatTime,
  parseDate,
  parseDatePrefix,
  parseIsoTime,
  sameAtCoarserPrecision,
  type TimeValue,
} from '../../src/model/time.js';

const date = (text: string): TimeValue => {
  const parsed = parseDate(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

describe('card date forms (SPEC §2)', () => {
  it.each([
    ['February 15, 2024', '2024-02-15', 'day'],
    ['15 February 2024', '2024-02-15', 'day'],
    ['2024-02-15', '2024-02-15', 'day'],
    ['February 2024', '2024-02', 'month'],
    ['2024', '2024', 'year'],
    ['Feb 15, 2024', '2024-02-15', 'day'],
    ['2024-02', '2024-02', 'month'],
  ])('reads "%s" as %s at %s precision', (text, iso, precision) => {
    const value = date(text);
    expect(formatTime(value)).toBe(iso);
    expect(value.precision).toBe(precision);
  });

  it.each([
    ['Febtober 15, 2024', '"Febtober" is not a month name'],
    ['February 30, 2024', 'day 30 does not exist in 2024-02'],
    ['2023-02-29', 'day 29 does not exist in 2023-02'],
    ['2024-13-01', 'month 13 out of range'],
    ['sometime soon', 'unparseable date "sometime soon"'],
    ['2024-02-15 or so', 'unexpected "or so"'],
  ])('rejects "%s" saying why', (text, reason) => {
    const parsed = parseDate(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('reads a whole ISO date as it reads one at the start of a clause, and refuses it in the same words', () => {
    const dates = ['2024-02-15', '2024-02', '2024', '0000-02-29', '2024-02-30', '2024-13', '2023-02-29'];
    for (const text of dates) {
      const prefix = parseDatePrefix(`${text}, then`);
      const expected = prefix.ok ? { ok: true, value: prefix.value } : prefix;
      expect(parseDate(text), text).toEqual(expected);
    }
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseDate('February 29, 2024').ok).toBe(true);
    expect(parseDate('February 29, 2023').ok).toBe(false);
  });

  it('counts leap years by the proleptic Gregorian calendar in every century, year 0 included', () => {
    for (const leap of ['2000-02-29', '1600-02-29', '0400-02-29', '0000-02-29', '0004-02-29', '-0004-02-29'])
      expect(parseIsoTime(leap).ok, leap).toBe(true);
    for (const common of ['1900-02-29', '2100-02-29', '0100-02-29', '0001-02-29', '-0001-02-29'])
      expect(parseIsoTime(common).ok, common).toBe(false);
    for (const [text, days] of [
      ['2023-04', 30],
      ['2023-06', 30],
      ['2023-09', 30],
      ['2023-11', 30],
      ['2023-01', 31],
      ['2023-12', 31],
    ] as const) {
      expect(parseIsoTime(`${text}-${days}`).ok, `${text}-${days}`).toBe(true);
      expect(parseIsoTime(`${text}-${days + 1}`).ok, `${text}-${days + 1}`).toBe(false);
    }
  });

  it('reads a date at the start of a clause that goes on after it', () => {
    const parsed = parseDatePrefix('February 15, 2024, together with a technical report');
    expect(parsed.ok && formatTime(parsed.value)).toBe('2024-02-15');
    expect(parsed.ok && parsed.length).toBe('February 15, 2024'.length);
  });
});

describe('ISO time values', () => {
  it('prints each precision the way it was read', () => {
    for (const text of ['2024', '2024-02', '2024-02-15', '0800', '-0500']) {
      const parsed = parseIsoTime(text);
      expect(parsed.ok && formatTime(parsed.value)).toBe(text);
    }
  });

  it('keeps years BCE negative', () => {
    const parsed = parseIsoTime('-0500');
    expect(parsed.ok && parsed.value.year).toBe(-500);
  });
});

describe('comparing through precision (SPEC §3)', () => {
  it('is equal at the coarser precision', () => {
    expect(sameAtCoarserPrecision(date('2024'), date('2024-02-15'))).toBe(true);
    expect(sameAtCoarserPrecision(date('2024-02'), date('2024-02-15'))).toBe(true);
    expect(sameAtCoarserPrecision(date('2024-02-15'), date('2024-02-15'))).toBe(true);
  });

  it('differs when the shared precision differs', () => {
    expect(sameAtCoarserPrecision(date('2024-03'), date('2024-02-15'))).toBe(false);
    expect(sameAtCoarserPrecision(date('2024-02-14'), date('2024-02-15'))).toBe(false);
    expect(sameAtCoarserPrecision(date('2023'), date('2024-02-15'))).toBe(false);
  });

  it('says which value is more precise', () => {
    expect(comparePrecision(date('2024-02-15'), date('2024'))).toBeGreaterThan(0);
    expect(comparePrecision(date('2024'), date('2024-02'))).toBeLessThan(0);
    expect(comparePrecision(date('2024-02'), date('2025-03'))).toBe(0);
  });
});
