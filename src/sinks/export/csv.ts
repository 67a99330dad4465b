// CSV as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180, §2): records end in CRLF; a field
// holding a comma, a double quote, CR or LF is enclosed in double quotes, and a double quote inside it is
// doubled. Nothing else is escaped. Pure.
//
// The reader this output is for (Mismatch Finder) is PHP's fgetcsv with its default escape character
// "\": "If a sequence of escape and enclosure characters appear in the input, both characters will be
// present in the parsed result" (php.net, SplFileObject::setCsvControl; php/php-src#3515, PHP RFC
// "Kill proprietary CSV escaping mechanism"). So a field with `\"` in it, or a quoted field ending in
// `\`, is read back wrong; `phpCsvHazard` names such fields so the caller can leave the row out.

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Why PHP's fgetcsv would misread this field, or undefined when it reads it back intact. */
export function phpCsvHazard(value: string): string | undefined {
  if (value.includes('\\"')) return 'contains \\" (PHP\'s fgetcsv reads a backslash as an escape character)';
  if (NEEDS_QUOTES.test(value) && value.endsWith('\\'))
    return "ends in a backslash inside quotes (PHP's fgetcsv would not see the closing quote)";
  return undefined;
}
