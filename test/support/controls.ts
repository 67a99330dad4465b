// What a test checks printed text for: the characters a terminal acts on or a reader is misled by.

/** The code points of `text` a terminal acts on or a reader is misled by (all but LF and TAB). */
export function controlsIn(text: string): string[] {
  return [...text]
    .filter((c) => {
      const n = c.codePointAt(0) ?? 0;
      return (
        (n < 0x20 && c !== '\n' && c !== '\t') ||
        (n >= 0x7f && n <= 0x9f) ||
        n === 0x2028 ||
        n === 0x2029 ||
        (n >= 0x202a && n <= 0x202e) ||
        (n >= 0x2066 && n <= 0x2069)
      );
    })
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
