/**
 * The public verification page: /verifikasi (the form), /verifikasi/<number> (a shareable
 * result, the name masked) and /v/<number>?s=<signature> (the link printed as a QR code on the
 * certificate: the full name when the signature is genuine, a plain warning when it is not).
 * Server-rendered, no script; styles from /assets/verify.css under a strict CSP. The rate limit
 * counts lookups, so the form's redirect to the result's address costs nothing.
 *
 * The two result addresses are answered by one handler each, without middleware: the page is a
 * string (see html.ts) and the headers a plain object, so @hono/node-server writes the answer
 * without converting it. Lookups are answered with the others of the same turn of the event loop
 * (see src/db/lookup-batch.ts). /verifikasi itself goes through `secured` like any route.
 */
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { LookupEntry } from '../core/certificates/lookup-audit.js'
import {
  dayInJakarta,
  type Lookup,
  linkSignatureValid,
  maskName,
  nameMatches,
  normalizeNumber,
  type PublicCertificate,
} from '../core/certificates/verify.js'
import { takeNameCheck } from '../db/queries/name-checks.js'
import { escapeHtml, Html, html, type Markup } from './html.js'
import { clientAddress } from './rate-limit.js'
import { PAGE_SECURITY, secured } from './security-headers.js'
import { auditedLookUp, type VerifyRouteDeps } from './verify-lookup.js'
import { fill, type Lang, NAME_CHECKS_PER_DAY, TEXT, VERDICT_TEXT, VERDICT_WORD } from './verify-text.js'
import { CertificateResult, Checked, LookupForm, NameCheck, Page, SignatureNotice, VerdictBox } from './verify-view.js'

type PageOptions = {
  status: ContentfulStatusCode
  lang: Lang
  title: string
  otherLangHref: string
  noindex?: boolean
  retryAfter?: number
}

// Results change (a revocation) and may hold a full name: never kept by a cache or proxy.
const PAGE_HEADERS = Object.freeze({ ...PAGE_SECURITY, 'cache-control': 'no-store', 'content-type': 'text/html; charset=UTF-8' })

const text = z.string().optional().catch(undefined)
const langField = z.enum(['id', 'en']).catch('id')
const querySchema = z.object({ nomor: text, lang: langField })
const formSchema = z.object({ nomor: text, nama: text, lang: langField })
/** `langField` without zod, for the result addresses: "en", else "id". */
const langOf = (value: string | undefined): Lang => (value === 'en' ? 'en' : 'id')

const resultPath = (number: string, lang: Lang) => `/verifikasi/${encodeURIComponent(number)}${lang === 'en' ? '?lang=en' : ''}`

/** This request's address (still percent-encoded) in the other language; the QR signature is kept. */
function otherLanguage(c: Context, url: URL, lang: Lang) {
  const path = url.pathname
  // Most addresses have no query but the language: nothing to keep.
  if (url.search === '' || url.search === '?lang=en') return lang === 'id' ? `${path}?lang=en` : path
  const params = new URLSearchParams(c.req.query())
  if (lang === 'id') params.set('lang', 'en')
  else params.delete('lang')
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

/** The form under a result is the same on every result page: made once per language. */
const ANOTHER = { id: LookupForm({ lang: 'id', heading: 'h2' }), en: LookupForm({ lang: 'en', heading: 'h2' }) }
/** So are the heading of a result and the notices about a QR link. */
const HEADING = { id: html`<h1>${TEXT.resultTitle.id}</h1>`, en: html`<h1>${TEXT.resultTitle.en}</h1>` }
const notices = (lang: Lang) => ({
  genuine: SignatureNotice({ lang, genuine: true }),
  notGenuine: SignatureNotice({ lang, genuine: false }),
})
const NOTICE = { id: notices('id'), en: notices('en') }

// What was typed is shown back (escaped) only this long.
const echo = (typed: string) => (typed.length > 80 ? `${typed.slice(0, 80)}…` : typed)

/** A page; only the empty form may be indexed by search engines. */
const pageResponse = (stylesheet: string, options: PageOptions, body: Markup) =>
  new Response(
    `<!doctype html>${Page({
      lang: options.lang,
      title: options.title,
      otherLangHref: options.otherLangHref,
      stylesheet,
      noindex: options.noindex ?? true,
      children: body,
    })}`,
    {
      status: options.status,
      headers: options.retryAfter === undefined ? PAGE_HEADERS : { ...PAGE_HEADERS, 'retry-after': String(options.retryAfter) },
    },
  )

/**
 * The page for a request under /verifikasi or /v that failed on the server (the database could not
 * answer): 500, a plain message in the reader's language (from the address, or the form that was
 * posted), the form to try again, nothing about the error itself.
 */
export async function unavailablePage(c: Context, stylesheet: string): Promise<Response> {
  let lang = langOf(c.req.query('lang'))
  if (c.req.method === 'POST') {
    // The form was read before the failure: Hono keeps what it parsed.
    const form = await c.req.parseBody().catch(() => undefined)
    if (form) lang = langField.parse(form.lang)
  }
  const title = TEXT.unavailableTitle[lang]
  return pageResponse(
    stylesheet,
    { status: 500, lang, title: `${title} · ${TEXT.site[lang]}`, otherLangHref: otherLanguage(c, new URL(c.req.url), lang) },
    html`
      <h1>${title}</h1>
      ${VerdictBox({ verdict: 'unavailable', word: title, children: html`<p>${TEXT.unavailable[lang]}</p>` })}
      ${ANOTHER[lang]}`,
  )
}

export function verifyPages(deps: VerifyRouteDeps & { stylesheet: string }) {
  const app = new Hono()
  // PUBLIC_BASE_URL without its trailing slash; else links are relative. Never the request's own
  // origin: its Host header is whatever the client sent, and a printed result would carry it.
  const publicBase = deps.publicBaseUrl?.replace(/\/$/, '') ?? ''
  app.use('/verifikasi', secured(PAGE_SECURITY))

  const page = (options: PageOptions, body: Markup) => pageResponse(deps.stylesheet, options, body)

  /** A lookup within the client's budget, or the 429 page once it is spent. */
  type Looked = { lookup: Lookup } | { limited: Response }
  async function lookUpLimited(
    c: Context,
    url: URL,
    lang: Lang,
    typed: string,
    entry: Pick<LookupEntry, 'signature'> = {},
  ): Promise<Looked> {
    const client = clientAddress(c, deps.proxy)
    const wait = deps.limiter.take(client)
    if (wait === 0) return { lookup: await auditedLookUp(deps, typed, 'web', client, entry.signature) }
    const title = TEXT.limitedTitle[lang]
    return {
      limited: page(
        {
          status: 429,
          lang,
          title: `${title} · ${TEXT.site[lang]}`,
          otherLangHref: otherLanguage(c, url, lang),
          retryAfter: wait,
        },
        html`
          <h1>${title}</h1>
          ${VerdictBox({ verdict: 'rate-limited', word: title, children: html`<p>${fill(TEXT.limited[lang], { seconds: wait })}</p>` })}`,
      ),
    }
  }

  type Shown = {
    lookup: Lookup
    lang: Lang
    typed: string
    otherLangHref: string
    /** The typed holder's name, to say whether it matches. */
    name?: string | undefined
    /** A QR link: whether its signature is genuine. */
    genuine?: boolean
  }

  /** The answer to a lookup: 200 with the record, 404 not found, 400 not a number. */
  async function result(view: Shown) {
    const { lookup, lang, typed } = view
    if (lookup.kind === 'invalid') {
      const show = (status: ContentfulStatusCode, title: string, body: Html) =>
        page(
          { status, lang, title: `${title} · ${TEXT.site[lang]}`, otherLangHref: view.otherLangHref },
          html`
          <h1>${TEXT.resultTitle[lang]}</h1>
          ${body}`,
        )
      const word = VERDICT_WORD.invalid[lang]
      return show(
        400,
        word,
        html`
          ${VerdictBox({
            verdict: 'invalid',
            word,
            children: html`
              <p>${typed.trim() ? fill(TEXT.typed[lang], { typed: echo(typed) }) : TEXT.empty[lang]}</p>
              <p>${VERDICT_TEXT.invalid[lang]}</p>`,
          })}
          ${LookupForm({ lang, heading: 'h2', nomor: typed.slice(0, 100), nama: view.name, invalid: true, autofocus: true })}`,
      )
    }
    // The two answers on every result address, written as strings from parts made once.
    const now = deps.clock()
    // The heading, then the warning about a QR link that is not genuine.
    const top = `${HEADING[lang]}${view.genuine === false ? NOTICE[lang].notGenuine : ''}`
    if (lookup.kind === 'not-found') {
      const word = VERDICT_WORD['not-found'][lang]
      const verdict = VerdictBox({
        verdict: 'not-found',
        word,
        children: new Html(`<p>${escapeHtml(fill(VERDICT_TEXT['not-found'][lang], { number: lookup.number }))}</p>`),
      })
      const checked = Checked({ lang, now, link: `${publicBase}${resultPath(lookup.number, 'id')}` })
      return resultPage(404, lang, `${word}: ${lookup.number}`, view.otherLangHref, `${top}${verdict}${checked}${ANOTHER[lang]}`)
    }
    const { certificate, status } = lookup
    const full = view.genuine === true
    const record = CertificateResult({
      lang,
      certificate,
      status,
      holder: full ? certificate.holderName : maskName(certificate.holderName),
      masked: !full,
      now,
      link: `${publicBase}${resultPath(certificate.number, 'id')}`,
      children: view.name && NameCheck({ lang, matches: await nameCheck(certificate, view.name) }),
    })
    return resultPage(
      200,
      lang,
      `${VERDICT_WORD[status][lang]}: ${certificate.displayNumber}`,
      view.otherLangHref,
      `${top}${full ? NOTICE[lang].genuine : ''}${record}${ANOTHER[lang]}`,
    )
  }

  /** Whether `name` is the holder's, within the certificate's daily budget of name checks. */
  const nameCheck = async (certificate: PublicCertificate, name: string) =>
    (await takeNameCheck(deps.db, certificate.number, dayInJakarta(deps.clock()), NAME_CHECKS_PER_DAY))
      ? nameMatches(name, certificate.holderName)
      : ('limited' as const)

  /** A result page (kept from search engines): `content` is markup already. */
  const resultPage = (status: number, lang: Lang, title: string, otherLangHref: string, content: string) =>
    new Response(
      `<!doctype html>${Page({ lang, title: `${title} · ${TEXT.site[lang]}`, otherLangHref, stylesheet: deps.stylesheet, noindex: true, children: new Html(content) })}`,
      { status, headers: PAGE_HEADERS },
    )

  app.get('/verifikasi', async (c) => {
    const url = new URL(c.req.url)
    const query = querySchema.parse(c.req.query())
    const { lang } = query
    if (query.nomor === undefined) {
      const form = LookupForm({ lang, heading: 'h1', autofocus: true })
      return page({ status: 200, lang, title: TEXT.site[lang], otherLangHref: otherLanguage(c, url, lang), noindex: false }, form)
    }
    const number = normalizeNumber(query.nomor)
    if (number) return c.redirect(resultPath(number, lang), 303)
    const looked = await lookUpLimited(c, url, lang, query.nomor)
    if ('limited' in looked) return looked.limited
    return result({ lookup: looked.lookup, lang, typed: query.nomor, otherLangHref: otherLanguage(c, url, lang) })
  })

  app.post('/verifikasi', bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.text('Payload Too Large', 413) }), async (c) => {
    const url = new URL(c.req.url)
    const form = formSchema.parse(await c.req.parseBody())
    const { lang } = form
    const typed = form.nomor ?? ''
    const name = form.nama?.trim()
    const number = normalizeNumber(typed)
    // Without a name the result has an address of its own, to share or bookmark; with one it is
    // answered here, so the name never appears in an address, a log or the browser's history.
    if (number && !name) return c.redirect(resultPath(number, lang), 303)
    const looked = await lookUpLimited(c, url, lang, typed)
    if ('limited' in looked) return looked.limited
    const other: Lang = lang === 'id' ? 'en' : 'id'
    const otherLangHref = number ? resultPath(number, other) : otherLanguage(c, url, lang)
    return result({ lookup: looked.lookup, lang, typed, name, otherLangHref })
  })

  app.get('/verifikasi/:number', async (c) => {
    const url = new URL(c.req.url)
    const lang = langOf(c.req.query('lang'))
    const typed = c.req.param('number')
    const looked = await lookUpLimited(c, url, lang, typed)
    if ('limited' in looked) return looked.limited
    return result({ lookup: looked.lookup, lang, typed, otherLangHref: otherLanguage(c, url, lang) })
  })

  app.get('/v/:number', async (c) => {
    const url = new URL(c.req.url)
    const lang = langOf(c.req.query('lang'))
    const typed = c.req.param('number')
    const signature = c.req.query('s') ?? ''
    const number = normalizeNumber(typed)
    const keys = { current: deps.signingKey, previous: deps.previousSigningKeys ?? [] }
    const genuine = number !== undefined && signature !== '' && linkSignatureValid(number, signature, c.req.query('k'), keys)
    const looked = await lookUpLimited(c, url, lang, typed, number ? { signature: genuine ? 'genuine' : 'not-genuine' } : {})
    if ('limited' in looked) return looked.limited
    return result({ lookup: looked.lookup, lang, typed, genuine, otherLangHref: otherLanguage(c, url, lang) })
  })

  return app
}
