/**
 * The markup of the verification page (hono/jsx, escaped by default). Kept stable for browser
 * tests: the verdict is `[role=status][data-status]`, the fields are `#nomor` and `#nama`, the name
 * check `[data-name-match]`, the QR link's check `[data-signature]`.
 */
import type { Child } from 'hono/jsx'
import { type CertificateRow, todayInJakarta, type VerifiedStatus } from '../core/certificates/verify.js'
import { fill, formatDay, formatMoment, type Lang, TEXT, VERDICT_TEXT, VERDICT_WORD, type Verdict } from './verify-text.js'

export type PageProps = {
  lang: Lang
  title: string
  /** This page in the other language. */
  otherLangHref: string
  stylesheet: string
  /** Results are kept out of search engines; the empty form is not. */
  noindex: boolean
  children?: Child
}

export function Page(props: PageProps) {
  const { lang } = props
  const other: Lang = lang === 'id' ? 'en' : 'id'
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.noindex && <meta name="robots" content="noindex, nofollow" />}
        <title>{props.title}</title>
        <link rel="stylesheet" href={props.stylesheet} />
      </head>
      <body>
        <a class="skip" href="#isi">
          {TEXT.skip[lang]}
        </a>
        <header class="site">
          <p class="site-name">
            <a href={lang === 'en' ? '/verifikasi?lang=en' : '/verifikasi'}>{TEXT.site[lang]}</a>
          </p>
          <a href={props.otherLangHref} lang={other} hreflang={other}>
            {TEXT.otherLang[lang]}
          </a>
        </header>
        <main id="isi" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  )
}

/** The verdict box: what a reader must not miss, announced by screen readers. */
export function VerdictBox(props: { verdict: Verdict | 'rate-limited'; word: string; children?: Child }) {
  return (
    <div class={`verdict verdict-${props.verdict}`} id="hasil" role="status" data-status={props.verdict}>
      <p class="verdict-word">{props.word}</p>
      {props.children}
    </div>
  )
}

export type ResultProps = {
  lang: Lang
  certificate: CertificateRow
  status: VerifiedStatus
  /** The full name (a genuine QR link) or the masked one. */
  holder: string
  masked: boolean
  now: Date
  /** The public address of this result, printed at the bottom. */
  link: string
  /** Shown between the verdict and the record (the name check). */
  children?: Child
}

/** A found certificate: the verdict and the public record. */
export function CertificateResult(props: ResultProps) {
  const { lang, certificate: cert, status } = props
  const changedAt = cert.statusChangedAt && (status === 'revoked' || status === 'suspended') ? cert.statusChangedAt : undefined
  const day = (iso: string) => <time datetime={iso}>{formatDay(iso, lang)}</time>
  return (
    <>
      <VerdictBox verdict={status} word={VERDICT_WORD[status][lang]}>
        <p>{fill(VERDICT_TEXT[status][lang], { date: formatDay(cert.expiresAt, lang) })}</p>
      </VerdictBox>
      {props.children}
      <dl class="details">
        <Row term={TEXT.number[lang]}>{cert.displayNumber}</Row>
        <Row term={TEXT.holder[lang]}>
          <span data-holder={props.masked ? 'masked' : 'full'}>{props.holder}</span>
          {props.masked && <p class="note">{TEXT.masked[lang]}</p>}
        </Row>
        <Row term={TEXT.scheme[lang]}>{cert.scheme}</Row>
        {cert.level && <Row term={TEXT.level[lang]}>{cert.level}</Row>}
        <Row term={TEXT.issuer[lang]}>{cert.issuer}</Row>
        <Row term={TEXT.issuedAt[lang]}>{day(cert.issuedAt)}</Row>
        <Row term={TEXT.expiresAt[lang]}>{day(cert.expiresAt)}</Row>
        {(status === 'revoked' || status === 'suspended') && cert.statusReason && (
          <Row term={TEXT.reason[lang]}>{cert.statusReason}</Row>
        )}
        {changedAt && (
          <Row term={status === 'revoked' ? TEXT.revokedAt[lang] : TEXT.suspendedAt[lang]}>{day(todayInJakarta(changedAt))}</Row>
        )}
      </dl>
      <Checked lang={lang} now={props.now} link={props.link} />
    </>
  )
}

function Row(props: { term: string; children?: Child }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  )
}

/** When the check was made and where to check again: what a printout needs. */
export function Checked(props: { lang: Lang; now: Date; link: string }) {
  return (
    <>
      <p class="checked">{fill(TEXT.checkedAt[props.lang], { time: formatMoment(props.now, props.lang) })}</p>
      <p class="checked print-only">
        {TEXT.link[props.lang]}: {props.link}
      </p>
    </>
  )
}

export function NameCheck(props: { lang: Lang; matches: boolean }) {
  return (
    <p class="name-check" data-name-match={props.matches ? 'match' : 'no-match'}>
      {props.matches ? TEXT.nameMatch[props.lang] : TEXT.nameNoMatch[props.lang]}
    </p>
  )
}

/** The outcome of a QR link's signature check, above the result. */
export function SignatureNotice(props: { lang: Lang; genuine: boolean }) {
  return props.genuine ? (
    <p class="notice notice-genuine" data-signature="genuine">
      {TEXT.genuine[props.lang]}
    </p>
  ) : (
    <div class="notice notice-warning" role="alert" data-signature="not-genuine">
      <p>
        <strong>{TEXT.notGenuine[props.lang]}</strong>
      </p>
    </div>
  )
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
export function LookupForm(props: FormProps) {
  const { lang } = props
  const Heading = props.heading
  return (
    <section class="lookup" aria-labelledby="form-title">
      <Heading id="form-title">{props.heading === 'h1' ? TEXT.formTitle[lang] : TEXT.another[lang]}</Heading>
      {props.heading === 'h1' && <p>{TEXT.intro[lang]}</p>}
      <form method="post" action="/verifikasi">
        {lang === 'en' && <input type="hidden" name="lang" value="en" />}
        <label for="nomor">{TEXT.numberLabel[lang]}</label>
        <p class="hint" id="nomor-hint">
          {TEXT.numberHint[lang]}
        </p>
        <input
          type="text"
          id="nomor"
          name="nomor"
          value={props.nomor ?? ''}
          required
          maxlength={100}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          autofocus={props.autofocus}
          aria-invalid={props.invalid ? 'true' : undefined}
          aria-describedby={props.invalid ? 'hasil nomor-hint' : 'nomor-hint'}
        />
        <label for="nama">{TEXT.nameLabel[lang]}</label>
        <p class="hint" id="nama-hint">
          {TEXT.nameHint[lang]}
        </p>
        <input
          type="text"
          id="nama"
          name="nama"
          value={props.nama ?? ''}
          maxlength={200}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="nama-hint"
        />
        <button type="submit">{TEXT.submit[lang]}</button>
      </form>
    </section>
  )
}
