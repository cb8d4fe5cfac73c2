// `checked 12/40` on stderr, rewritten in place, only for a person watching a terminal.
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined };
  let shown = false;
  return {
    update(done, total) {
      shown = true;
      stream.write(`\rchecked ${done}/${total}`);
    },
    finish() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
