/**
 * Progress of an import phase. Percent and ETA are based on the bytes read of the file's size (rows vary in length,
 * but a file is its bytes); rows/s counts every record read, loaded or not.
 */
export interface ImportProgress {
  begin(label: string, totalBytes: number): void;
  update(bytesRead: number, rows: number): void;
  end(): void;
}

export const silentProgress: ImportProgress = { begin() {}, update() {}, end() {} };

interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A progress bar redrawn in place on a terminal; plain lines every `intervalMs` (default 5 s) when the output is not
 * a terminal (a log file, CI), so the log is not flooded with carriage returns.
 */
export function terminalProgress(out: Output = process.stdout, options: { intervalMs?: number; now?: () => number } = {}): ImportProgress {
  const tty = !!out.isTTY;
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  const now = options.now ?? (() => performance.now());
  let label = '';
  let total = 0;
  let started = 0;
  let last = 0;
  let bytes = 0;
  let rows = 0;

  const render = (final: boolean): string => {
    const elapsed = (now() - started) / 1000;
    const fraction = total > 0 ? Math.min(1, bytes / total) : 1;
    const rate = elapsed > 0 ? rows / elapsed : 0;
    const eta = final ? 0 : fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const stats = `${(fraction * 100).toFixed(1).padStart(5)}%  ${rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s  ${
      final ? `in ${duration(elapsed)}` : `ETA ${duration(eta)}`
    }`;
    if (!tty) return `${label}: ${stats} (${megabytes(bytes)} of ${megabytes(total)})`;
    const width = Math.max(10, Math.min(40, (out.columns ?? 80) - stats.length - label.length - 6));
    const filled = Math.round(fraction * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}`;
  };

  return {
    begin(l, totalBytes) {
      label = l;
      total = totalBytes;
      started = last = now();
      bytes = rows = 0;
      if (tty) out.write(`\r${render(false)}\x1b[K`);
    },
    update(b, r) {
      bytes = b;
      rows = r;
      const t = now();
      if (t - last < interval) return;
      last = t;
      out.write(tty ? `\r${render(false)}\x1b[K` : `${render(false)}\n`);
    },
    end() {
      out.write(tty ? `\r${render(true)}\x1b[K\n` : `${render(true)}\n`);
    },
  };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function megabytes(b: number): string {
  return `${(b / 1048576).toFixed(1)} MB`;
}
