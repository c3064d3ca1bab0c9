/**
 * Repeat collapse: a run of one character (code point) longer than `limit` keeps only its first `limit`
 * characters (limit 2: 好好好好 → 好好, !!!!! → !!). It sees characters in final output order, i.e. after
 * invisible characters and skipped separators are gone (好 好 好 → 好好好 → 好好). The dropped
 * repetitions lose their offsets like any dropped character.
 */
export class RepeatCollapser {
  private last = -1;
  private run = 0;
  private markedLast = -1;
  private markedRun = 0;

  constructor(private readonly limit: number) {}

  /** Whether the next output character may be emitted. */
  accept(codePoint: number): boolean {
    if (codePoint === this.last) {
      this.run++;
      return this.run <= this.limit;
    }
    this.last = codePoint;
    this.run = 1;
    return true;
  }

  /** Remembers the current state, to go back to if what follows is taken back (held separators dropped). */
  mark(): void {
    this.markedLast = this.last;
    this.markedRun = this.run;
  }

  rewind(): void {
    this.last = this.markedLast;
    this.run = this.markedRun;
  }
}
