/**
 * The public verification page: /verifikasi (the form), /verifikasi/<number> (a shareable
 * result, the name masked) and /v/<number>?s=<signature> (the link printed as a QR code on the
 * certificate: the full name when the signature is genuine, a plain warning when it is not).
 * Server-rendered, no script; styles from /assets/verify.css under a strict CSP. The rate limit
 * counts lookups, so the form's redirect to the result's address costs nothing.
 */
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { LookupEntry } from '../core/certificates/lookup-audit.js'
import { type Lookup, maskName, nameMatches, normalizeNumber, signatureValid } from '../core/certificates/verify.js'
import { type ClientEnv, identifyClient } from './rate-limit.js'
import { auditedLookUp, type VerifyRouteDeps } from './verify-lookup.js'
import { fill, type Lang, TEXT, VERDICT_TEXT, VERDICT_WORD } from './verify-text.js'
import { CertificateResult, Checked, LookupForm, NameCheck, Page, SignatureNotice, VerdictBox } from './verify-view.js'

type Markup = HtmlEscapedString | Promise<HtmlEscapedString>
type C = Context<ClientEnv>
type PageOptions = { status: ContentfulStatusCode; lang: Lang; title: string; otherLangHref: string; noindex?: boolean }

const PAGE_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
  },
  // The QR link's signature is in its address: it must not travel on to another site.
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
})

const text = z.string().optional().catch(undefined)
const langField = z.enum(['id', 'en']).catch('id')
const querySchema = z.object({ nomor: text, lang: langField })
const formSchema = z.object({ nomor: text, nama: text, lang: langField })

const resultPath = (number: string, lang: Lang) => `/verifikasi/${encodeURIComponent(number)}${lang === 'en' ? '?lang=en' : ''}`

/** This request's address (still percent-encoded) in the other language; the QR signature is kept. */
function otherLanguage(c: C, lang: Lang) {
  const path = new URL(c.req.url).pathname
  const params = new URLSearchParams(c.req.query())
  if (lang === 'id') params.set('lang', 'en')
  else params.delete('lang')
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

// What was typed is shown back (escaped) only this long.
const echo = (typed: string) => (typed.length > 80 ? `${typed.slice(0, 80)}…` : typed)

async function send(c: C, status: ContentfulStatusCode, page: Markup) {
  // Results change (a revocation) and may hold a full name: never kept by a cache or proxy.
  c.header('Cache-Control', 'no-store')
  return c.html(`<!doctype html>${await page}`, status)
}

export function verifyPages(deps: VerifyRouteDeps & { stylesheet: string }) {
  const app = new Hono<ClientEnv>()
  app.use('/verifikasi/*', PAGE_HEADERS, identifyClient(deps.trustProxy))
  app.use('/v/*', PAGE_HEADERS, identifyClient(deps.trustProxy))

  /** A page; only the empty form may be indexed by search engines. */
  const page = (c: C, options: PageOptions, body: Markup) =>
    send(
      c,
      options.status,
      <Page
        lang={options.lang}
        title={options.title}
        otherLangHref={options.otherLangHref}
        stylesheet={deps.stylesheet}
        noindex={options.noindex ?? true}
      >
        {body}
      </Page>,
    )

  /** A lookup within the client's budget, or the 429 page once it is spent. */
  type Looked = { lookup: Lookup } | { limited: Promise<Response> }
  function lookUpLimited(c: C, lang: Lang, typed: string, entry: Pick<LookupEntry, 'signature'> = {}): Looked {
    const wait = deps.limiter.take(c.get('client'))
    if (wait === 0) return { lookup: auditedLookUp(deps, typed, { channel: 'web', client: c.get('client'), ...entry }) }
    c.header('Retry-After', String(wait))
    const title = TEXT.limitedTitle[lang]
    return {
      limited: page(
        c,
        { status: 429, lang, title: `${title} · ${TEXT.site[lang]}`, otherLangHref: otherLanguage(c, lang) },
        <>
          <h1>{title}</h1>
          <VerdictBox verdict="rate-limited" word={title}>
            <p>{fill(TEXT.limited[lang], { seconds: wait })}</p>
          </VerdictBox>
        </>,
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
  function result(c: C, view: Shown) {
    const { lookup, lang, typed } = view
    const now = deps.now()
    const link = (number: string) =>
      `${deps.publicBaseUrl?.replace(/\/$/, '') ?? new URL(c.req.url).origin}${resultPath(number, 'id')}`
    const show = (status: ContentfulStatusCode, title: string, body: Markup) =>
      page(
        c,
        { status, lang, title: `${title} · ${TEXT.site[lang]}`, otherLangHref: view.otherLangHref },
        <>
          <h1>{TEXT.resultTitle[lang]}</h1>
          {view.genuine === false && lookup.kind !== 'invalid' && <SignatureNotice lang={lang} genuine={false} />}
          {body}
        </>,
      )

    if (lookup.kind === 'invalid') {
      const word = VERDICT_WORD.invalid[lang]
      return show(
        400,
        word,
        <>
          <VerdictBox verdict="invalid" word={word}>
            <p>{typed.trim() ? fill(TEXT.typed[lang], { typed: echo(typed) }) : TEXT.empty[lang]}</p>
            <p>{VERDICT_TEXT.invalid[lang]}</p>
          </VerdictBox>
          <LookupForm lang={lang} heading="h2" nomor={typed.slice(0, 100)} nama={view.name} invalid autofocus />
        </>,
      )
    }
    if (lookup.kind === 'not-found') {
      const word = VERDICT_WORD['not-found'][lang]
      return show(
        404,
        `${word}: ${lookup.number}`,
        <>
          <VerdictBox verdict="not-found" word={word}>
            <p>{fill(VERDICT_TEXT['not-found'][lang], { number: lookup.number })}</p>
          </VerdictBox>
          <Checked lang={lang} now={now} link={link(lookup.number)} />
          <LookupForm lang={lang} heading="h2" />
        </>,
      )
    }
    const { certificate, status } = lookup
    const full = view.genuine === true
    return show(
      200,
      `${VERDICT_WORD[status][lang]}: ${certificate.displayNumber}`,
      <>
        {full && <SignatureNotice lang={lang} genuine />}
        <CertificateResult
          lang={lang}
          certificate={certificate}
          status={status}
          holder={full ? certificate.holderName : maskName(certificate.holderName)}
          masked={!full}
          now={now}
          link={link(certificate.number)}
        >
          {view.name && <NameCheck lang={lang} matches={nameMatches(view.name, certificate.holderName)} />}
        </CertificateResult>
        <LookupForm lang={lang} heading="h2" />
      </>,
    )
  }

  app.get('/verifikasi', (c) => {
    const query = querySchema.parse(c.req.query())
    const { lang } = query
    if (query.nomor === undefined) {
      const form = <LookupForm lang={lang} heading="h1" autofocus />
      return page(c, { status: 200, lang, title: TEXT.site[lang], otherLangHref: otherLanguage(c, lang), noindex: false }, form)
    }
    const number = normalizeNumber(query.nomor)
    if (number) return c.redirect(resultPath(number, lang), 303)
    const looked = lookUpLimited(c, lang, query.nomor)
    if ('limited' in looked) return looked.limited
    return result(c, { lookup: looked.lookup, lang, typed: query.nomor, otherLangHref: otherLanguage(c, lang) })
  })

  app.post('/verifikasi', bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.text('Payload Too Large', 413) }), async (c) => {
    const form = formSchema.parse(await c.req.parseBody())
    const { lang } = form
    const typed = form.nomor ?? ''
    const name = form.nama?.trim()
    const number = normalizeNumber(typed)
    // Without a name the result has an address of its own, to share or bookmark; with one it is
    // answered here, so the name never appears in an address, a log or the browser's history.
    if (number && !name) return c.redirect(resultPath(number, lang), 303)
    const looked = lookUpLimited(c, lang, typed)
    if ('limited' in looked) return looked.limited
    const other: Lang = lang === 'id' ? 'en' : 'id'
    const otherLangHref = number ? resultPath(number, other) : otherLanguage(c, lang)
    return result(c, { lookup: looked.lookup, lang, typed, name, otherLangHref })
  })

  app.get('/verifikasi/:number', (c) => {
    const lang = langField.parse(c.req.query('lang'))
    const typed = c.req.param('number')
    const looked = lookUpLimited(c, lang, typed)
    if ('limited' in looked) return looked.limited
    return result(c, { lookup: looked.lookup, lang, typed, otherLangHref: otherLanguage(c, lang) })
  })

  app.get('/v/:number', (c) => {
    const lang = langField.parse(c.req.query('lang'))
    const typed = c.req.param('number')
    const signature = c.req.query('s') ?? ''
    const number = normalizeNumber(typed)
    const genuine = number !== undefined && signature !== '' && signatureValid(number, signature, deps.signingKey)
    const looked = lookUpLimited(c, lang, typed, number ? { signature: genuine ? 'genuine' : 'not-genuine' } : {})
    if ('limited' in looked) return looked.limited
    return result(c, { lookup: looked.lookup, lang, typed, genuine, otherLangHref: otherLanguage(c, lang) })
  })

  return app
}
