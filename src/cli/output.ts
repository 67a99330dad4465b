// Writing command output: respects backpressure (a million lines never pile up in memory) and ends
// quietly when the reader goes away (`factsync entities --json | head`).

import { once } from 'node:events';

let closed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    closed = true;
    process.exit(0);
  }
  throw error;
});

export async function writeOut(text: string): Promise<void> {
  if (closed) return;
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

export const isTerminal = (): boolean => process.stdout.isTTY === true;
