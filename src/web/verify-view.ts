/**
 * The markup of the verification page (`html` templates, escaped by default). Kept stable for
 * browser tests: the verdict is `[role=status][data-status]`, the fields are `#nomor` and `#nama`,
 * the name check `[data-name-match]`, the QR link's check `[data-signature]`.
 */
import { type PublicCertificate, todayInJakarta, type VerifiedStatus } from '../core/certificates/verify.js'
import { type Html, html, type Markup } from './html.js'
import { fill, formatDay, formatMoment, type Lang, TEXT, VERDICT_TEXT, VERDICT_WORD, type Verdict } from './verify-text.js'

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

/** The verdict box: what a reader must not miss, announced by screen readers. */
export function VerdictBox(props: { verdict: Verdict | 'rate-limited'; word: string; children?: Markup }): Html {
  return html`
    <div class="verdict verdict-${props.verdict}" id="hasil" role="status" data-status="${props.verdict}">
      <p class="verdict-word">${props.word}</p>
      ${props.children}
    </div>`
}

export type ResultProps = {
  lang: Lang
  certificate: PublicCertificate
  status: VerifiedStatus
  /** The full name (a genuine QR link) or the masked one. */
  holder: string
  masked: boolean
  now: Date
  /** The public address of this result, printed at the bottom. */
  link: string
  /** Shown between the verdict and the record (the name check). */
  children?: Markup
}

/** A found certificate: the verdict and the public record. */
export function CertificateResult(props: ResultProps): Html {
  const { lang, certificate: cert, status } = props
  const changedAt = cert.statusChangedAt && (status === 'revoked' || status === 'suspended') ? cert.statusChangedAt : undefined
  const day = (iso: string) => html`<time datetime="${iso}">${formatDay(iso, lang)}</time>`
  return html`
    ${VerdictBox({
      verdict: status,
      word: VERDICT_WORD[status][lang],
      children: html`<p>${fill(VERDICT_TEXT[status][lang], { date: formatDay(cert.expiresAt, lang) })}</p>`,
    })}
    ${props.children}
    <dl class="details">
      ${Row(TEXT.number[lang], cert.displayNumber)}
      ${Row(
        TEXT.holder[lang],
        html`
          <span data-holder="${props.masked ? 'masked' : 'full'}">${props.holder}</span>
          ${props.masked && html`<p class="note">${TEXT.masked[lang]}</p>`}`,
      )}
      ${Row(TEXT.scheme[lang], cert.scheme)}
      ${cert.level && Row(TEXT.level[lang], cert.level)}
      ${Row(TEXT.issuer[lang], cert.issuer)}
      ${Row(TEXT.issuedAt[lang], day(cert.issuedAt))}
      ${Row(TEXT.expiresAt[lang], day(cert.expiresAt))}
      ${(status === 'revoked' || status === 'suspended') && cert.statusReason && Row(TEXT.reason[lang], cert.statusReason)}
      ${changedAt && Row(status === 'revoked' ? TEXT.revokedAt[lang] : TEXT.suspendedAt[lang], day(todayInJakarta(changedAt)))}
    </dl>
    ${Checked({ lang, now: props.now, link: props.link })}`
}

function Row(term: string, children: Markup): Html {
  return html`<div><dt>${term}</dt><dd>${children}</dd></div>`
}

/** When the check was made and where to check again: what a printout needs. */
export function Checked(props: { lang: Lang; now: Date; link: string }): Html {
  return html`
    <p class="checked">${fill(TEXT.checkedAt[props.lang], { time: formatMoment(props.now, props.lang) })}</p>
    <p class="checked print-only">${TEXT.link[props.lang]}: ${props.link}</p>`
}

export function NameCheck(props: { lang: Lang; matches: boolean }): Html {
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
