import { describe, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The real-browser tier: Debian's Chromium driven by playwright-core (never a downloaded browser
 * build; there is no internet to fetch one from). Install it with `apt-get install -y chromium`.
 *
 * Locally a missing Chromium skips the tier with one line. In CI, or when REDIS_URL is set (the
 * signal that the full environment is expected, as for the Redis tier), a missing Chromium fails.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

function browserRequired(): boolean {
  return process.env.CI === 'true' || Boolean(process.env.REDIS_URL);
}

let skipNoticeShown = false;

/** describe() when Chromium is there; a failing test when it must be; otherwise a skip. */
export function describeBrowser(name: string, body: () => void): void {
  if (browserAvailable()) {
    describe(name, body);
    return;
  }
  if (browserRequired()) {
    describe(name, () => {
      it('has Chromium to run in', () => {
        throw new Error(
          `Browser tier required (CI or REDIS_URL set) but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`,
        );
      });
    });
    return;
  }
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    // The console is reserved for failures in tests (test/setup/no-console.ts), so one raw line.
    process.stdout.write(
      `Skipping browser tests: ${CHROMIUM_PATH} not found (apt-get install -y chromium to run them)\n`,
    );
  }
  describe.skip(name, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
