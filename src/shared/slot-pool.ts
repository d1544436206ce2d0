import pLimit from 'p-limit';

/** Gives back a slot taken from a SlotPool; a second call does nothing. */
export type ReleaseSlot = () => void;

/**
 * At most `size` slots out at once, handed out in the order they were asked for. Unlike a plain
 * p-limit around a function, the holder decides when its slot goes back: a send can take its call
 * slot while it still holds its place in the line before the call, and give the call slot back
 * before its outcome is written.
 */
export type SlotPool = () => Promise<ReleaseSlot>;

export function slotPool(size: number): SlotPool {
  const limit = pLimit(size);
  return () =>
    new Promise<ReleaseSlot>((taken) => {
      void limit(() => new Promise<void>((release) => taken(() => release())));
    });
}
