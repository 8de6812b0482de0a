/**
 * A file's bytes as another thread or process posts them, as a stream for the parser: each chunk is
 * reported taken (`onTaken`) once the parser has it, which lets the sender post the next, so the file is
 * never read far ahead of the parser.
 */
import { Readable } from 'node:stream';

export interface PostedBytes {
  /** The stream the parser reads. */
  source: Readable;
  /** A chunk as posted (a view of the bytes it carries). */
  add(bytes: Uint8Array): void;
  /** The file has ended. */
  end(): void;
  /** The read failed on the sender's side: what is queued is dropped and the stream fails. */
  abort(message: string): void;
  /** Bytes the parser has taken so far. */
  taken(): number;
}

export function postedBytes(onTaken: (bytes: number) => void): PostedBytes {
  const queue: Buffer[] = [];
  let ended = false;
  let wanted = false;
  let taken = 0;
  const source = new Readable({
    read() {
      wanted = true;
      feed();
    },
  });
  function feed(): void {
    while (wanted && queue.length > 0) {
      const chunk = queue.shift() as Buffer;
      taken += chunk.length;
      onTaken(chunk.length);
      wanted = source.push(chunk);
    }
    if (wanted && ended && queue.length === 0) source.push(null);
  }
  return {
    source,
    add(bytes) {
      queue.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      feed();
    },
    end() {
      ended = true;
      feed();
    },
    abort(message) {
      queue.length = 0;
      source.destroy(new Error(message));
    },
    taken: () => taken,
  };
}
