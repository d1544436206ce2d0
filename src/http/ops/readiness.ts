export type CheckResult =
  | { ok: true; [detail: string]: unknown }
  | { ok: false; reason: string; [detail: string]: unknown };

export interface ReadinessCheck {
  name: string;
  run(): CheckResult | Promise<CheckResult>;
}

export interface ReadinessReport {
  ready: boolean;
  failed: string[];
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * Whether this instance should get traffic: every check passes and it is not shutting down.
 * Checks run in parallel, each bounded in time, so a hung dependency makes the probe fail rather
 * than hang.
 */
export class Readiness {
  private shuttingDown = false;

  constructor(private readonly checks: readonly ReadinessCheck[]) {}

  /**
   * Readiness fails from now on. Shutdown closes the listener right after this, so a probe sent
   * later is refused rather than answered 503; the check matters to a process embedding the gateway.
   */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.checks.map(async (check) => [check.name, await bounded(check)] as const),
    );
    results.push([
      'shutdown',
      this.shuttingDown ? { ok: false, reason: 'shutting down' } : { ok: true },
    ]);
    const checks = Object.fromEntries(results);
    const failed = results.filter(([, result]) => !result.ok).map(([name]) => name);
    return { ready: failed.length === 0, failed, checks };
  }
}

async function bounded(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(() => check.run()),
      new Promise<CheckResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}
