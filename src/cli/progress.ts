/**
 * A one-line progress bar on a terminal (stderr), redrawn at most 10 times a second; nothing at all
 * when stderr is not a terminal, so logs and CI output stay clean.
 */
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const full = Math.round(share * width);
      stream.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(share * 100).toFixed(0).padStart(3)}% ${label}   `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
