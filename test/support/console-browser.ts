/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * What every console browser test does around its own steps: serve the app on a real port, open a
 * page that collects CSP violations, page errors and console errors, sign in through the form, and
 * check a page's layout (one h1, every field labelled, nothing wider than the window).
 */
import { type ServerType, serve } from '@hono/node-server'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'

/** Serves `fetch` on a free port of 127.0.0.1; resolves to its origin and a way to stop it. */
export async function serveOnPort(fetch: (request: Request) => Response | Promise<Response>) {
  let server: ServerType | undefined
  const origin = await new Promise<string>((resolve) => {
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  return { origin, close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())) }
}

const WATCH = `
document.addEventListener('securitypolicyviolation', (e) => globalThis.reportCsp(e.violatedDirective + ' ' + (e.blockedURI || 'inline')), true);
`

export type OpenOptions = {
  width: number
  height: number
  /**
   * Console errors to ignore: the "status of 4xx" lines Chromium logs for answers refused on
   * purpose (a form with a mistake is 422, a forbidden page 403…).
   */
  ignore?: RegExp
}

/** A fresh page of its own browser context, with every CSP violation, page error and console error in `problems`. */
export async function openPage(browser: Browser, origin: string, options: OpenOptions) {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height }, baseURL: origin })
  const problems: string[] = []
  await context.exposeFunction('reportCsp', (what: string) => problems.push(`CSP: ${what}`))
  await context.addInitScript({ content: WATCH })
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error' && !options.ignore?.test(message.text())) problems.push(`${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return { page, problems, close: () => context.close() }
}

/** Signs in through the console's form and waits for Beranda. */
export async function signIn(page: Page, origin: string, email: string, password: string): Promise<void> {
  await page.goto('/admin/login')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Kata sandi').fill(password)
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.waitForURL(`${origin}/admin`)
}

/** The page's h1 count, how far it scrolls sideways, and the fields without a label (their names). */
export function layoutFacts(page: Page) {
  return page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    unlabelled: Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      .filter((field) => !(field.id && document.querySelector(`label[for="${field.id}"]`)) && !field.closest('label'))
      .map((field) => field.getAttribute('name') ?? field.outerHTML.slice(0, 60)),
  }))
}

/** One h1, every field labelled, nothing wider than the window (`where` names the page in a failure). */
export async function expectGoodLayout(page: Page, where?: string): Promise<void> {
  expect(await layoutFacts(page), where ?? page.url()).toEqual({ h1: 1, overflow: 0, unlabelled: [] })
}
