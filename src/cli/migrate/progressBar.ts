/**
 * Progress of a long copy on stderr: a bar redrawn in place at a terminal, else one line each time
 * another `stepPercent` is done (logs of a run in the background stay short).
 */
export interface ProgressOut {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressBar {
  private lastPercent = -1;
  private lastDraw = 0;

  constructor(
    private readonly out: ProgressOut,
    private readonly stepPercent = 10,
    private readonly now: () => number = Date.now,
  ) {}

  update(label: string, done: number, total: number): void {
    const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
    if (this.out.isTTY === true) {
      if (done < total && this.now() - this.lastDraw < 100 && percent === this.lastPercent) return;
      this.lastDraw = this.now();
      this.lastPercent = percent;
      const width = 30;
      const filled = Math.round((percent * width) / 100);
      this.out.write(`\r${label.padEnd(28)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(percent).padStart(3)}% ${done}/${total}`);
      if (done >= total) this.out.write("\n");
      return;
    }
    const mark = Math.floor(percent / this.stepPercent) * this.stepPercent;
    if (mark === 0 && done < total) return;
    if (mark === this.lastPercent && done < total) return;
    if (done >= total && this.lastPercent === 100) return;
    this.lastPercent = done >= total ? 100 : mark;
    this.out.write(`${label}: ${done >= total ? 100 : mark}% (${done}/${total})\n`);
  }

  /** A new label starts (the next update is drawn whatever its percentage). */
  reset(): void {
    this.lastPercent = -1;
  }
}
