import { PathQueue } from './path-queue.js';

export interface InjectedError {
  path: string;
  errcode: number;
  /** Replaces WeChat's own text for the code; a ` rid: …` is still appended. */
  errmsg?: string;
  /** How many more calls of `path` get this error. */
  remaining: number;
}

/**
 * Errors queued by `POST /__sim/errors`: each call of the path takes the oldest queued error,
 * before any other check, until its `times` are used up.
 */
export class ErrorInjections extends PathQueue<InjectedError> {}
