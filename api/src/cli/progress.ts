// A progress line for long commands: a redrawn bar on a terminal, a line per 10 % otherwise (logs, CI).

export interface Progress {
  update(done: number, total: number): void;
  finish(message: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let lastDecile = -1;
  const started = Date.now();
  return {
    update(done, total) {
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round(ratio * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total}`);
      } else {
        const decile = Math.floor(ratio * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${label}: ${decile * 10}% (${done}/${total})\n`);
        }
      }
    },
    finish(message) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`${tty ? '\r\x1b[K' : ''}${label}: ${message} in ${seconds} s\n`);
    },
  };
}
