/**
 * Line numbers as an editor shows them. csv-parse's `info.lines` counts a CRLF inside a quoted field as
 * two lines, so we count line breaks ourselves in each record's raw text (csv-parse `raw: true`): CRLF,
 * LF and a lone CR each end one line. csv-parse may leave the LF of a CRLF record delimiter out of the
 * raw text, or (at a chunk boundary) put it at the start of the next record: a CR followed by an LF,
 * in the same or the next record, is one break either way.
 */
export class LineCounter {
  private line: number;
  private afterCR = false;

  /** `firstLine`: the line the first record fed starts on (1 when the header is fed too). */
  constructor(firstLine = 1) {
    this.line = firstLine;
  }

  /** The line on which the record with this raw text starts; advances past it. */
  next(raw: string): number {
    const start = this.line;
    let breaks = 0;
    // Without a CR nothing before the first LF can matter: skip to it (the common, fast case).
    const from = raw.indexOf('\r') === -1 ? firstNewline(raw) : 0;
    // A CR ending the previous record pairs only with an LF right at the start of this one.
    let afterCR = this.afterCR && from === 0;
    for (let i = from; i < raw.length; i += 1) {
      const c = raw.charCodeAt(i);
      if (c === 13) {
        breaks += 1;
        afterCR = true;
      } else if (c === 10) {
        if (!afterCR) breaks += 1;
        afterCR = false;
      } else {
        afterCR = false;
      }
    }
    this.afterCR = afterCR;
    this.line += breaks;
    return start;
  }

  /** The line after the last record fed. */
  get current(): number {
    return this.line;
  }
}

/** Where to start scanning a raw text without CR: at its first LF (nothing before it can be a break). */
function firstNewline(raw: string): number {
  const at = raw.indexOf('\n');
  return at === -1 ? raw.length : at;
}
