/**
 * Runs tasks one after another per key, in the order they come (a task waits for every earlier one that shares a
 * key with it; none waits on a later one, so none deadlocks). Holds an entry per key only while tasks of it run.
 */
export function createKeyedSerializer() {
  const tails = new Map<string, Promise<void>>();
  return async function serial<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before: Promise<void>[] = [];
    for (const key of keys) {
      const tail = tails.get(key);
      if (tail !== undefined && !before.includes(tail)) before.push(tail);
    }
    let release = (): void => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    for (const key of keys) tails.set(key, mine);
    try {
      // Nothing of these journeys running: no wait at all (the usual delivery).
      if (before.length > 0) await Promise.all(before);
      return await task();
    } finally {
      release();
      for (const key of keys) if (tails.get(key) === mine) tails.delete(key);
    }
  };
}
