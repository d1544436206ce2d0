import DataLoader from 'dataloader';

export interface GroupCommitOptions {
  /**
   * Flushes that may run at once (default 1). With two, the next group goes to the store while the
   * answer to the last one is on its way back, instead of waiting out each round trip; every flush
   * still carries all the calls made while it waited for its turn.
   */
  inFlight?: number;
  /**
   * Gathers a group's calls until the current turn of the event loop is done (setImmediate)
   * instead of for a microtask, so that every call made while handling one round of I/O joins it:
   * fewer, larger flushes under load, for a lone call flushed a little later. Default false.
   */
  gatherForLoopTurn?: boolean;
}

/**
 * Group commit: calls made while the flushes allowed at once are running wait for one of them to
 * end and are then flushed together, so under load one write carries many calls, while a lone
 * call is flushed at once (see gatherForLoopTurn). `flush` answers one result per item, in order;
 * an Error fails that item's call alone, a rejection fails every call of the flush.
 */
export function groupCommit<T, R>(
  flush: (items: readonly T[]) => Promise<readonly (R | Error)[]>,
  maxBatchSize: number,
  { inFlight = 1, gatherForLoopTurn = false }: GroupCommitOptions = {},
): (item: T) => Promise<R> {
  if (!Number.isInteger(inFlight) || inFlight < 1)
    throw new RangeError(`groupCommit: inFlight must be a positive integer, got ${inFlight}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  // A flush that ends hands its place to the group waiting longest.
  const finished = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const loader = new DataLoader<T, R, T>(
    (items) => {
      let flushed: Promise<readonly (R | Error)[]>;
      try {
        flushed = flush(items);
      } catch (error) {
        flushed = Promise.reject(error as Error);
      }
      void flushed.then(finished, finished);
      return flushed;
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => {
        if (running < inFlight) {
          running++;
          // Later, so that the calls made alongside this one join it.
          if (gatherForLoopTurn) setImmediate(dispatch);
          else void Promise.resolve().then(dispatch);
        } else waiting.push(dispatch);
      },
    },
  );
  return (item) => loader.load(item);
}
