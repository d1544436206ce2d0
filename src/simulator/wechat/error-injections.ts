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
export class ErrorInjections {
  private queue: InjectedError[] = [];

  add(error: InjectedError): void {
    this.queue.push({ ...error });
  }

  take(path: string): { errcode: number; errmsg?: string } | undefined {
    const found = this.queue.find((error) => error.path === path);
    if (!found) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.queue = this.queue.filter((error) => error !== found);
    return found.errmsg === undefined
      ? { errcode: found.errcode }
      : { errcode: found.errcode, errmsg: found.errmsg };
  }

  list(): InjectedError[] {
    return this.queue.map((error) => ({ ...error }));
  }

  reset(): void {
    this.queue = [];
  }
}
