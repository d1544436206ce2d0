/**
 * Runs `task` every `intervalMs` (and once at start when `immediately`), never two runs at a time:
 * a tick that finds a run still going skips. A failed run goes to `onError`; the next tick tries
 * again. stop() clears the timer and waits for a run in progress.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(intervalMs: number, options: { immediately?: boolean } = {}): void {
    const run = () => {
      this.running ??= this.task()
        .catch(this.onError)
        .finally(() => (this.running = null));
    };
    if (options.immediately) run();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
