// A unified-diff-like preview of what apply changes in a file, for `apply --dry-run` and for reviewers.
// Pure. Cards are small, so a plain longest-common-subsequence diff of their lines is enough; past a
// size limit the changed middle is shown as one replaced block.

const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; text: string };

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  const tail: Op[] = a.slice(endA).map((text) => ({ kind: ' ', text }));
  const [midA, midB] = [a.slice(start, endA), b.slice(start, endB)];
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    const removed: Op[] = midA.map((text) => ({ kind: '-', text }));
    const added: Op[] = midB.map((text) => ({ kind: '+', text }));
    return [...head, ...removed, ...added, ...tail];
  }
  // lcs[i][j]: the longest common subsequence of midA[i…] and midB[j…].
  const width = midB.length + 1;
  const lcs = new Uint32Array((midA.length + 1) * width);
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        midA[i] === midB[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const middle: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      middle.push({ kind: ' ', text: midA[i++] as string });
      j++;
    } else if (
      i < midA.length &&
      (j >= midB.length || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      middle.push({ kind: '-', text: midA[i++] as string }); // removals before additions, as diff does
    } else {
      middle.push({ kind: '+', text: midB[j++] as string });
    }
  }
  return [...head, ...middle, ...tail];
}

/** `--- file` / `+++ file` and `@@ -l,n +l,n @@` hunks with `context` unchanged lines around each change. */
export function unifiedDiff(file: string, before: string, after: string, context = 2): string {
  if (before === after) return '';
  const ops = diffLines(before.split(/\r?\n/), after.split(/\r?\n/));
  const out = [`--- ${file}`, `+++ ${file}`];
  let index = 0;
  let lineA = 1;
  let lineB = 1;
  while (index < ops.length) {
    const next = ops.findIndex((op, k) => k >= index && op.kind !== ' ');
    if (next < 0) break;
    const from = Math.max(index, next - context);
    lineA += from - index;
    lineB += from - index;
    // Extend the hunk while changes are within 2 × context lines of each other.
    let end = next;
    let quiet = 0;
    for (let k = next; k < ops.length; k++) {
      if ((ops[k] as Op).kind === ' ') quiet++;
      else {
        quiet = 0;
        end = k;
      }
      if (quiet > context * 2) break;
    }
    const to = Math.min(ops.length, end + 1 + context);
    const hunk = ops.slice(from, to);
    const countA = hunk.filter((op) => op.kind !== '+').length;
    const countB = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${lineA},${countA} +${lineB},${countB} @@`, ...hunk.map((op) => `${op.kind}${op.text}`));
    lineA += countA;
    lineB += countB;
    index = to;
  }
  return `${out.join('\n')}\n`;
}

/** The preview of a JSONL file's changed lines: one hunk per line, numbered. */
export function jsonlPreview(
  file: string,
  changes: ReadonlyArray<{ line: number; before: string; after: string }>,
): string {
  if (changes.length === 0) return '';
  const out = [`--- ${file}`, `+++ ${file}`];
  for (const change of changes)
    out.push(`@@ -${change.line},1 +${change.line},1 @@`, `-${change.before}`, `+${change.after}`);
  return `${out.join('\n')}\n`;
}
