/**
 * Each caller gets its own later turn of the event loop, one after another. A page of a list is
 * read in one go, and the rest of a request (completing its fields) runs without a break once it
 * is back; a query with several aliased lists gets all its pages back together, so without this
 * they would complete in one long run of the event loop while sends' requests and replies wait.
 * Waiting for a turn of its own per page lets I/O in between.
 */
let last: Promise<void> = Promise.resolve();

export function nextEventLoopTurn(): Promise<void> {
  // Each immediate is scheduled from the one before, so they land in successive loop iterations
  // (all immediates queued at once would run in one check phase, with no I/O between them).
  const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = turn;
  return turn;
}

const readsOf = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `read` once the reads `owner` queued before it have finished, and resolves on a turn of its
 * own (as nextEventLoopTurn). Reads issued together come back together, and replies that arrive
 * together are decoded in one piece before any other socket is served: eight pages of 100 records
 * are ~360 KB of reply. One after another, each page is decoded apart, with I/O in between.
 */
export function oneReadAtATime<T>(owner: object, read: () => Promise<T>): Promise<T> {
  const done = (readsOf.get(owner) ?? Promise.resolve()).then(read).then(async (value) => {
    await nextEventLoopTurn();
    return value;
  });
  readsOf.set(
    owner,
    done.catch(() => undefined),
  );
  return done;
}
