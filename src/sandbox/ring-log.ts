/** An append-only log that keeps only its newest `capacity` entries (a ring buffer); `Infinity` keeps them all. */
export class RingLog<T> {
  private readonly items: T[] = [];
  private head = 0;

  /** @throws {RangeError} when `capacity` is not a positive integer or `Infinity`. */
  constructor(readonly capacity: number) {
    if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity > 0)))
      throw new RangeError("a log capacity must be a positive integer or Infinity");
  }

  /** Appends an entry, dropping the oldest one when the log is full. */
  push(entry: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(entry);
      return;
    }
    this.items[this.head] = entry;
    this.head = (this.head + 1) % this.items.length;
  }

  /** How many entries are kept. */
  get length(): number {
    return this.items.length;
  }

  /** The kept entries, oldest first (a copy). */
  toArray(): T[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }
}
