// The dry-run preview: unified-diff hunks as `diff -U2` prints them (the expected text below is GNU diff's).

import { describe, expect, it } from 'vitest';
import { jsonlPreview, unifiedDiff } from '../../src/local/write/preview.js';

const before = [
  '# Sora',
  '',
  '## Key Facts',
  '- Developed by OpenAI',
  '- First announced on February 15, 2024',
  '- Followed by Sora 2',
  '',
  '## FAQs',
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  '- last',
].join('\n');

describe('unifiedDiff', () => {
  it('prints removals before additions, with two lines of context and line numbers', () => {
    const after = before
      .replace('February 15, 2024', 'February 16, 2024')
      .replace('- Followed by Sora 2', '- Followed by Sora 2\n- Established in June 2023')
      .replace('- last', '- final');
    expect(unifiedDiff('sora.md', before, after)).toBe(
      [
        '--- sora.md',
        '+++ sora.md',
        '@@ -3,6 +3,7 @@',
        ' ## Key Facts',
        ' - Developed by OpenAI',
        '-- First announced on February 15, 2024',
        '+- First announced on February 16, 2024',
        ' - Followed by Sora 2',
        '+- Established in June 2023',
        ' ',
        ' ## FAQs',
        '@@ -13,3 +14,3 @@',
        ' e',
        ' f',
        '-- last',
        '+- final',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('sora.md', before, before)).toBe('');
  });
});

describe('jsonlPreview', () => {
  it('shows each changed line with its number', () => {
    expect(
      jsonlPreview('e.jsonl', [{ line: 7, before: '{"key":"a"}', after: '{"key":"a","label":"A"}' }]),
    ).toBe('--- e.jsonl\n+++ e.jsonl\n@@ -7,1 +7,1 @@\n-{"key":"a"}\n+{"key":"a","label":"A"}\n');
  });
});
