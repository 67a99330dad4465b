// The readable log format and the choice of format, on plain data: what a terminal shows of a JSON log
// line (as log.ts writes it), with hostile values escaped.

import { describe, expect, it } from 'vitest';
import { logFormat } from '../../src/log.js';
import { messageLine, prettyLines } from '../../src/log-pretty.js';
import { controlsIn } from '../support/controls.js';

const render = prettyLines({ colors: false });
const at = Date.UTC(2026, 11, 2, 7, 13, 3);

describe('logFormat', () => {
  it('is pretty on a terminal and JSON elsewhere, unless set', () => {
    expect(logFormat('auto', true)).toBe('pretty');
    expect(logFormat('auto', false)).toBe('json');
    expect(logFormat('json', true)).toBe('json');
    expect(logFormat('pretty', false)).toBe('pretty');
  });
});

describe('pretty lines', () => {
  it('are one line: time, level, message and the fields as key=value', () => {
    const line = render(
      JSON.stringify({
        level: 30,
        time: at,
        app: 'factsync',
        pid: 1,
        runId: 'r1',
        batch: 0,
        msg: 'batch done',
      }),
    );
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: batch done {2}runId=r1 {2}batch=0\n$/);
  });

  it('show an error by its code and message, without its stack', () => {
    const err = {
      type: 'Error',
      message: 'connect ECONNREFUSED',
      code: 'ECONNREFUSED',
      stack: 'Error: …\n at x',
    };
    const line = render(JSON.stringify({ level: 40, time: at, err, msg: 'Redis connection error' }));
    expect(line).toContain('WARN: Redis connection error  err=connect ECONNREFUSED\n');
    expect(line).not.toContain(' at x');
  });

  it('escape control characters of the message and of the values, on one line', () => {
    const hostile = '\u001b]0;TITLE\u0007\u001b[2J\u202eevil\nforged';
    const line = render(JSON.stringify({ level: 40, time: at, msg: `bad ${hostile}`, value: hostile }));
    expect(controlsIn(line)).toEqual([]);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain('bad \\x1b]0;TITLE\\x07\\x1b[2J\\u202eevil\\nforged');
    expect(line).toContain('value=\\x1b]0;TITLE');
  });

  it('mask credentials in values', () => {
    const line = render(JSON.stringify({ level: 30, time: at, msg: 'x', url: 'redis://:hunter2@db:6379' }));
    expect(line).toContain('url=redis://:***@db:6379');
  });

  it('cut a long value', () => {
    expect(messageLine({ msg: 'm', url: `https://example.org/${'a'.repeat(400)}` })).toMatch(
      /^m {2}url=\S{159}…$/,
    );
  });

  it('show a notice as a sentence of its own', () => {
    const line = render(
      JSON.stringify({ level: 40, time: at, notice: true, msg: 'set FACTSYNC_USER_AGENT' }),
    );
    expect(line).toBe('factsync: set FACTSYNC_USER_AGENT\n');
  });
});
