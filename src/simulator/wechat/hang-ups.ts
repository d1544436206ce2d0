import { PathQueue } from './path-queue.js';

/** A hang-up queued by `POST /__sim/hangups`. */
export interface QueuedHangUp {
  path: string;
  /** How many more calls of `path` are carried out without an answer. */
  remaining: number;
}

/**
 * Calls WeChat carries out whose answer never reaches the caller: the connection is cut where the
 * reply would be. A send is delivered, its credit spent and its event pushed, yet its sender
 * cannot know: the case a gateway must record as UNKNOWN and never resend by itself.
 */
export class HangUps extends PathQueue<QueuedHangUp> {}
