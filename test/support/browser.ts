/**
 * Real headless Chromium for the page tests, driven by playwright-core (never a downloaded browser):
 * the one from npm (@sparticuz/chromium, see bundled-chromium.ts), or one of your own that
 * CHROMIUM_PATH names (the way on a machine that is not x64 Linux).
 */
import { type Browser, chromium } from 'playwright-core'
import { bundledChromium, type Chromium, INSTALL_HINT } from './bundled-chromium.js'

export async function launchBrowser(): Promise<Browser> {
  const chosen = process.env.CHROMIUM_PATH
  const { executablePath, env }: Chromium = chosen ? { executablePath: chosen, env: {} } : await bundledChromium()
  try {
    return await chromium.launch({
      executablePath,
      env: { ...process.env, ...env },
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
  } catch (error) {
    const hint = chosen
      ? 'unset CHROMIUM_PATH to use the Chromium from npm (@sparticuz/chromium), or point it at a working Chromium'
      : `run \`npm ci\` to reinstall @sparticuz/chromium, or ${INSTALL_HINT}`
    throw new Error(`Chromium (${executablePath}) did not start: ${hint}.\n${(error as Error).message}`, { cause: error })
  }
}
