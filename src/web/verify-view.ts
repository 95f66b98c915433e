/**
 * The markup of the verification page (`html` templates, escaped by default). Kept stable for
 * browser tests: the verdict is `[role=status][data-status]`, the fields are `#nomor` and `#nama`,
 * the name check `[data-name-match]`, the QR link's check `[data-signature]`.
 */
import { type PublicCertificate, todayInJakarta, type VerifiedStatus } from '../core/certificates/verify.js'
import { escapeHtml, Html, html, type Markup, renderMarkup } from './html.js'
import {
  fill,
  formatDay,
  formatMoment,
  type Lang,
  NAME_CHECKS_PER_DAY,
  TEXT,
  VERDICT_TEXT,
  VERDICT_WORD,
  type Verdict,
} from './verify-text.js'

export type PageProps = {
  lang: Lang
  title: string
  /** This page in the other language. */
  otherLangHref: string
  stylesheet: string
  /** Results are kept out of search engines; the empty form is not. */
  noindex: boolean
  children?: Markup
}

export function Page(props: PageProps): Html {
  const [head, afterTitle, afterHref, tail] = pageShell(props.lang, props.noindex, props.stylesheet)
  return new Html(
    head +
      escapeHtml(props.title) +
      afterTitle +
      escapeHtml(props.otherLangHref) +
      afterHref +
      renderMarkup(props.children) +
      tail,
  )
}

/** The page around its content, as `pageMarkup` writes it. */
function pageMarkup(props: PageProps): Html {
  const { lang } = props
  const other: Lang = lang === 'id' ? 'en' : 'id'
  return html`
    <html lang="${lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        ${props.noindex && html`<meta name="robots" content="noindex, nofollow"/>`}
        <title>${props.title}</title>
        <link rel="stylesheet" href="${props.stylesheet}"/>
      </head>
      <body>
        <a class="skip" href="#isi">${TEXT.skip[lang]}</a>
        <header class="site">
          <p class="site-name"><a href="${lang === 'en' ? '/verifikasi?lang=en' : '/verifikasi'}">${TEXT.site[lang]}</a></p>
          <a href="${props.otherLangHref}" lang="${other}" hreflang="${other}">${TEXT.otherLang[lang]}</a>
        </header>
        <main id="isi" tabindex="-1">${props.children}</main>
      </body>
    </html>`
}

// Marks where the title, the other language's address and the content go: nothing escapes them and
// no text of the page holds them.
const TITLE = '\u0000title\u0000'
const HREF = '\u0000href\u0000'
const CONTENT = '\u0000content\u0000'

type Shell = readonly [head: string, afterTitle: string, afterHref: string, tail: string]
/** The shells made, by language and robots line, for the one stylesheet an app links. */
const shells = {
  id: [new Map<string, Shell>(), new Map<string, Shell>()],
  en: [new Map<string, Shell>(), new Map<string, Shell>()],
}

/**
 * Everything of a page but its title, other-language address and content, made once per language,
 * robots line and stylesheet from `pageMarkup` itself (so there is one template), cut at the marks.
 */
function pageShell(lang: Lang, noindex: boolean, stylesheet: string): Shell {
  const made = shells[lang][noindex ? 1 : 0] as Map<string, Shell>
  let shell = made.get(stylesheet)
  if (!shell) {
    const markup = pageMarkup({ lang, noindex, stylesheet, title: TITLE, otherLangHref: HREF, children: new Html(CONTENT) }).value
    const [head, rest = ''] = split(markup, TITLE)
    const [afterTitle, rest2 = ''] = split(rest, HREF)
    const [afterHref, tail = ''] = split(rest2, CONTENT)
    shell = [head, afterTitle, afterHref, tail]
    if (made.size >= 8) made.clear()
    made.set(stylesheet, shell)
  }
  return shell
}

/** `text` before and after the one `mark` it must hold. */
function split(text: string, mark: string): [string, string] {
  const at = text.indexOf(mark)
  if (at < 0 || text.indexOf(mark, at + 1) >= 0) throw new Error(`the page template must hold ${JSON.stringify(mark)} once`)
  return [text.slice(0, at), text.slice(at + mark.length)]
}

/** The verdict box: what a reader must not miss, announced by screen readers. */
export function VerdictBox(props: { verdict: Verdict | 'rate-limited' | 'unavailable'; word: string; children?: Markup }): Html {
  const verdict = escapeHtml(props.verdict)
  return new Html(
    `<div class="verdict verdict-${verdict}" id="hasil" role="status" data-status="${verdict}"><p class="verdict-word">${escapeHtml(props.word)}</p>${renderMarkup(props.children)}</div>`,
  )
}

export type ResultProps = {
  lang: Lang
  certificate: PublicCertificate
  status: VerifiedStatus
  /** The full name (a genuine QR link) or the masked one. */
  holder: string
  masked: boolean
  /** The time of the check (milliseconds). */
  now: number
  /** The public address of this result, printed at the bottom. */
  link: string
  /** Shown between the verdict and the record (the name check). */
  children?: Markup
}

/** The words of the page in each language, escaped once. */
const ESCAPED = {
  id: escapedText('id'),
  en: escapedText('en'),
}
function escapedText(lang: Lang) {
  return Object.fromEntries(Object.entries(TEXT).map(([key, text]) => [key, escapeHtml(text[lang])])) as Record<
    keyof typeof TEXT,
    string
  >
}

/**
 * A found certificate: the verdict and the public record. Written as one string (what `html` would
 * make of the same markup, every value escaped): it is on every result page.
 */
export function CertificateResult(props: ResultProps): Html {
  const { lang, certificate: cert, status } = props
  const words = ESCAPED[lang]
  const changedAt = cert.statusChangedAt && (status === 'revoked' || status === 'suspended') ? cert.statusChangedAt : undefined
  const day = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatDay(iso, lang))}</time>`
  let out = VerdictBox({
    verdict: status,
    word: VERDICT_WORD[status][lang],
    children: new Html(`<p>${escapeHtml(fill(VERDICT_TEXT[status][lang], { date: formatDay(cert.expiresAt, lang) }))}</p>`),
  }).value
  out += renderMarkup(props.children)
  out += '<dl class="details">'
  out += row(words.number, escapeHtml(cert.displayNumber))
  out += row(
    words.holder,
    `<span data-holder="${props.masked ? 'masked' : 'full'}">${escapeHtml(props.holder)}</span>${props.masked ? `<p class="note">${words.masked}</p>` : ''}`,
  )
  out += row(words.scheme, escapeHtml(cert.scheme))
  if (cert.level) out += row(words.level, escapeHtml(cert.level))
  out += row(words.issuer, escapeHtml(cert.issuer))
  out += row(words.issuedAt, day(cert.issuedAt))
  out += row(words.expiresAt, day(cert.expiresAt))
  if ((status === 'revoked' || status === 'suspended') && cert.statusReason)
    out += row(words.reason, escapeHtml(cert.statusReason))
  if (changedAt) out += row(status === 'revoked' ? words.revokedAt : words.suspendedAt, day(todayInJakarta(changedAt)))
  out += '</dl>'
  return new Html(out + Checked({ lang, now: props.now, link: props.link }).value)
}

/** A term and its value, both markup already. */
const row = (term: string, value: string) => `<div><dt>${term}</dt><dd>${value}</dd></div>`

/** When the check was made and where to check again: what a printout needs. */
export function Checked(props: { lang: Lang; now: number; link: string }): Html {
  const { lang } = props
  return new Html(
    `<p class="checked">${escapeHtml(fill(TEXT.checkedAt[lang], { time: formatMoment(props.now, lang) }))}</p><p class="checked print-only">${ESCAPED[lang].link}: ${escapeHtml(props.link)}</p>`,
  )
}

export function NameCheck(props: { lang: Lang; matches: boolean | 'limited' }): Html {
  if (props.matches === 'limited')
    return html`<p class="name-check" data-name-match="limited">${fill(TEXT.nameLimited[props.lang], { limit: NAME_CHECKS_PER_DAY })}</p>`
  return html`
    <p class="name-check" data-name-match="${props.matches ? 'match' : 'no-match'}">
      ${props.matches ? TEXT.nameMatch[props.lang] : TEXT.nameNoMatch[props.lang]}
    </p>`
}

/** The outcome of a QR link's signature check, above the result. */
export function SignatureNotice(props: { lang: Lang; genuine: boolean }): Html {
  return props.genuine
    ? html`<p class="notice notice-genuine" data-signature="genuine">${TEXT.genuine[props.lang]}</p>`
    : html`
      <div class="notice notice-warning" role="alert" data-signature="not-genuine">
        <p><strong>${TEXT.notGenuine[props.lang]}</strong></p>
      </div>`
}

export type FormProps = {
  lang: Lang
  /** The heading: the page's own h1 on the form page, an h2 under a result. */
  heading: 'h1' | 'h2'
  nomor?: string | undefined
  nama?: string | undefined
  /** The number was refused: the field is marked and described by the verdict. */
  invalid?: boolean
  autofocus?: boolean
}

/** The lookup form; it posts, so a typed name never appears in an address, a log or the history. */
export function LookupForm(props: FormProps): Html {
  const { lang, heading } = props
  // A boolean attribute that is on is written `name=""`; one that is off is left out.
  return html`
    <section class="lookup" aria-labelledby="form-title">
      <${heading} id="form-title">${heading === 'h1' ? TEXT.formTitle[lang] : TEXT.another[lang]}</${heading}>
      ${heading === 'h1' && html`<p>${TEXT.intro[lang]}</p>`}
      <form method="post" action="/verifikasi">
        ${lang === 'en' && html`<input type="hidden" name="lang" value="en"/>`}
        <label for="nomor">${TEXT.numberLabel[lang]}</label>
        <p class="hint" id="nomor-hint">${TEXT.numberHint[lang]}</p>
        <input type="text" id="nomor" name="nomor" value="${props.nomor ?? ''}" required="" maxlength="100" autocomplete="off" autocapitalize="characters" spellcheck="false"${props.autofocus && html` autofocus=""`}${props.invalid && html` aria-invalid="true"`} aria-describedby="${props.invalid ? 'hasil nomor-hint' : 'nomor-hint'}"/>
        <label for="nama">${TEXT.nameLabel[lang]}</label>
        <p class="hint" id="nama-hint">${TEXT.nameHint[lang]}</p>
        <input type="text" id="nama" name="nama" value="${props.nama ?? ''}" maxlength="200" autocomplete="off" spellcheck="false" aria-describedby="nama-hint"/>
        <button type="submit">${TEXT.submit[lang]}</button>
      </form>
    </section>`
}
