/**
 * A one-line progress bar on stderr for long analyses, drawn only when stderr is a terminal
 * (pipes and CI logs stay clean), redrawn at most 10 times a second.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(private readonly label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.stream = stream;
    this.enabled = Boolean(stream.isTTY) && !process.env.CI;
  }
  private readonly stream: NodeJS.WriteStream;

  /** Updates the bar: seconds of audio done, and the total when known. */
  update(doneSec: number, totalSec: number | null): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    let bar: string;
    if (totalSec && totalSec > 0) {
      const frac = Math.min(1, doneSec / totalSec);
      const full = Math.round(frac * width);
      bar = `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${doneSec.toFixed(0)}/${totalSec.toFixed(0)} s`;
    } else {
      bar = `${doneSec.toFixed(0)} s read`;
    }
    const cols = this.stream.columns ?? 80;
    this.stream.write(`\r${`${this.label}  ${bar}`.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[K');
  }
}
