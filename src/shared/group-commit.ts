import DataLoader from 'dataloader';

/**
 * Group commit: calls made while a flush is running wait for it to end and are then flushed
 * together, so under load one write carries many calls, while a lone call is flushed at once.
 * `flush` answers one result per item, in order; an Error fails that item's call alone, a
 * rejection fails every call of the flush.
 */
export function groupCommit<T, R>(
  flush: (items: readonly T[]) => Promise<readonly (R | Error)[]>,
  maxBatchSize: number,
): (item: T) => Promise<R> {
  let running: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<T, R, T>(
    (items) => {
      const flushed = flush(items);
      running = flushed.catch(() => undefined);
      return flushed;
    },
    {
      cache: false,
      maxBatchSize,
      batchScheduleFn: (dispatch) => void running.then(dispatch),
    },
  );
  return (item) => loader.load(item);
}
