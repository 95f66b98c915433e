/**
 * Real headless Chromium for the page tests: Debian's `chromium` (installed by .ci/run) driven by
 * playwright-core, never a downloaded browser.
 */
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}
