/**
 * The public verification page through the real Hono app: the form, every result in Indonesian
 * and English, the masked name, the name check, the signed QR link and a tampered one, input that
 * cannot be a number (shown back escaped), and numbers as people type them.
 */
import fc from 'fast-check'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signNumber } from '../../src/core/certificates/verify.js'
import { createWebApp } from '../../src/web/app.js'
import { NAME_CHECKS_PER_DAY } from '../../src/web/verify-text.js'
import { CERTS, type Fixture, signedPath, verdict, verifyFixture, visibleText } from '../support/verify-fixture.js'

let f: Fixture
beforeEach(async () => {
  f = await verifyFixture()
})
afterEach(() => f.close())

async function page(path: string, status = 200) {
  const response = await f.get(path)
  expect(response.status).toBe(status)
  expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
  const html = await response.text()
  return { html, text: visibleText(html), verdict: verdict(html) }
}

describe('the form at /verifikasi', () => {
  it('is an Indonesian page with labelled fields that posts to itself, a link to English and no script', async () => {
    const { html } = await page('/verifikasi')
    expect(html).toMatch(/^<!doctype html><html lang="id">/)
    expect(html).toContain('<h1 id="form-title">Periksa keaslian sertifikat</h1>')
    expect(html).toContain('<form method="post" action="/verifikasi">')
    expect(html).toContain('<label for="nomor">Nomor sertifikat</label>')
    expect(html).toMatch(/<input type="text" id="nomor" name="nomor" value="" required=""[^>]*autofocus=""/)
    expect(html).toContain('<label for="nama">Nama lengkap pemegang (opsional)</label>')
    expect(html).toMatch(/<input type="text" id="nama" name="nama"/)
    expect(html).toContain('<a href="/verifikasi?lang=en" lang="en" hreflang="en">English</a>')
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>')
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/verify\.css\?v=[0-9a-f]{12}"\/>/)
    expect(html).not.toContain('<script')
    expect(html).not.toContain('noindex')
    expect(verdict(html)).toBeUndefined()
  })

  it('in English keeps the language in the form and links back to Indonesian', async () => {
    const { html } = await page('/verifikasi?lang=en')
    expect(html).toContain('<html lang="en">')
    expect(html).toContain('<label for="nomor">Certificate number</label>')
    expect(html).toContain('<input type="hidden" name="lang" value="en"/>')
    expect(html).toContain('<a href="/verifikasi" lang="id" hreflang="id">Bahasa Indonesia</a>')
  })

  it('GET ?nomor=… and a post without a name go to the shareable result address (normalised), language kept', async () => {
    const get = await f.get('/verifikasi?nomor=lsps 2024-00009&lang=en')
    expect(get.status).toBe(303)
    expect(get.headers.get('Location')).toBe('/verifikasi/LSPS202400009?lang=en')
    const post = await f.post({ nomor: ' Lsps-2024 00009 ', nama: '  ' })
    expect(post.status).toBe(303)
    expect(post.headers.get('Location')).toBe('/verifikasi/LSPS202400009')
    const english = await f.post({ nomor: 'LSPS-2024-00009', lang: 'en' })
    expect(english.headers.get('Location')).toBe('/verifikasi/LSPS202400009?lang=en')
  })
})

describe('a result at /verifikasi/<number>', () => {
  it.each([
    ['valid', CERTS.valid, 'VALID', 'Sertifikat ini terdaftar dan berlaku.', 'Sit… Rah… Nas…'],
    ['valid on its last day', CERTS.lastDay, 'VALID', 'Sertifikat ini terdaftar dan berlaku.', 'Thé… Ñov…'],
    [
      'expired',
      CERTS.expired,
      'KEDALUWARSA',
      'Sertifikat ini terdaftar, tetapi masa berlakunya telah habis pada 22 November 2026.',
      'I… Mad… Wir…',
    ],
    ['revoked', CERTS.revoked, 'DICABUT', 'Sertifikat ini telah dicabut dan tidak berlaku lagi.', 'Hen… Gun…'],
    [
      'suspended',
      CERTS.suspended,
      'DIBEKUKAN',
      'Sertifikat ini sedang dibekukan dan untuk sementara tidak berlaku.',
      'Mar… Fra… Lak…',
    ],
  ])('%s: says so plainly, with the record and the name masked', async (_, cert, word, sentence, masked) => {
    const { html, text, verdict: box } = await page(`/verifikasi/${cert.displayNumber}`)
    const status = 'status' in cert ? cert.status : word === 'VALID' ? 'valid' : 'expired'
    expect(box).toEqual({ status, text: `${word} ${sentence}` })
    expect(html).toContain(`<title>${word}: ${cert.displayNumber} · Verifikasi Sertifikat SDM Kesos</title>`)
    expect(html).toContain(`<span data-holder="masked">${masked}</span>`)
    expect(text).toContain(`Nomor sertifikat ${cert.displayNumber}`)
    expect(text).toContain(`Skema ${cert.scheme}`)
    if (cert.level) expect(text).toContain(`Jenjang ${cert.level}`)
    else expect(text).not.toContain('Jenjang')
    expect(text).toContain('Penerbit LSP Kemensos')
    expect(html).toContain(`<dt>Tanggal terbit</dt><dd><time datetime="${cert.issuedAt}">`)
    expect(html).toContain(`<dt>Berlaku sampai</dt><dd><time datetime="${cert.expiresAt}">`)
    expect(text).toContain('Diperiksa pada 23 November 2026 pukul 09.00 WIB.')
    expect(html).toContain('<meta name="robots" content="noindex, nofollow"/>')
    // Never the full name: no word of it beyond its first three letters.
    for (const word of cert.holderName.split(' ').filter((w) => w.length > 3)) expect(html).not.toContain(word)
  })

  it('gives the reason and the date of a revocation or suspension (a day in Jakarta)', async () => {
    const revoked = await page('/verifikasi/LSPS-2023-00901')
    expect(revoked.text).toContain('Alasan Dicabut: dokumen portofolio terbukti tidak sah')
    expect(revoked.text).toContain('Dicabut pada 3 November 2026')
    const suspended = await page('/verifikasi/LSPS-2024-00902')
    expect(suspended.text).toContain('Alasan Dibekukan sementara: sedang dalam pemeriksaan kode etik')
    expect(suspended.text).toContain('Dibekukan sejak 3 November 2026')
    const valid = await page('/verifikasi/LSPS-2024-00009')
    expect(valid.text).not.toContain('Alasan')
  })

  it.each([
    ['valid', CERTS.valid, 'VALID', 'This certificate is on record and in force.'],
    ['expired', CERTS.expired, 'EXPIRED', 'This certificate is on record, but it expired on 22 November 2026.'],
    ['revoked', CERTS.revoked, 'REVOKED', 'This certificate has been revoked and is no longer valid.'],
    ['suspended', CERTS.suspended, 'SUSPENDED', 'This certificate is suspended and is not valid for now.'],
  ])('in English: %s', async (_, cert, word, sentence) => {
    const { html, text, verdict: box } = await page(`/verifikasi/${cert.number}?lang=en`)
    expect(html).toContain('<html lang="en">')
    expect(box?.text).toBe(`${word} ${sentence}`)
    expect(text).toContain('Issuer LSP Kemensos')
    expect(text).toContain('Checked on 23 November 2026 at 09:00 WIB (Jakarta time).')
    expect(html).toContain(`<a href="/verifikasi/${cert.number}" lang="id" hreflang="id">Bahasa Indonesia</a>`)
    expect(html).toContain('<input type="hidden" name="lang" value="en"/>')
  })

  it('says TIDAK DITEMUKAN / NOT FOUND with 404 for a number nobody holds', async () => {
    const id = await page('/verifikasi/lsps-2024-99999', 404)
    expect(id.verdict?.status).toBe('not-found')
    expect(id.verdict?.text).toMatch(/^TIDAK DITEMUKAN Tidak ada sertifikat dengan nomor LSPS202499999\./)
    const en = await page('/verifikasi/LSPS-2024-99999?lang=en', 404)
    expect(en.verdict?.text).toMatch(/^NOT FOUND No certificate has the number LSPS202499999\./)
  })

  it.each([
    ['lower case', 'lsps-2024-00009'],
    ['spaces', 'LSPS%202024%2000009'],
    ['no separators', 'lsps202400009'],
    ['dots and slashes', 'LSPS.2024%2F00009'],
    ['a typographic dash', 'LSPS%E2%80%932024%E2%80%9300009'],
  ])('finds a number typed with %s', async (_, typed) => {
    const { verdict: box, text } = await page(`/verifikasi/${typed}`)
    expect(box?.status).toBe('valid')
    expect(text).toContain('Nomor sertifikat LSPS-2024-00009')
  })

  it('prints: the address of the result is on the page for the printout, relative without PUBLIC_BASE_URL', async () => {
    const { html } = await page('/verifikasi/lsps-2024-00009')
    expect(html).toContain('<p class="checked print-only">Tautan hasil ini: /verifikasi/LSPS202400009</p>')
  })

  it('prints PUBLIC_BASE_URL, never the Host the request names (a client chooses it)', async () => {
    const web = await verifyFixture({ publicBaseUrl: 'https://sertifikasi.example.id/' })
    try {
      for (const path of ['/verifikasi/lsps-2024-00009', '/verifikasi/LSPS-2024-99999']) {
        // @hono/node-server builds the request's URL from its Host header.
        const response = await web.request(`http://phishing.example${path}`, { headers: { Host: 'phishing.example' } })
        const html = await response.text()
        expect(html).toContain(
          `Tautan hasil ini: https://sertifikasi.example.id/verifikasi/${path.endsWith('9999') ? 'LSPS202499999' : 'LSPS202400009'}</p>`,
        )
        expect(html).not.toContain('phishing.example')
      }
      const bare = await verifyFixture()
      const html = await (
        await bare.request('http://phishing.example/verifikasi/LSPS202400009', { headers: { Host: 'phishing.example' } })
      ).text()
      expect(html).toContain('Tautan hasil ini: /verifikasi/LSPS202400009</p>')
      expect(html).not.toContain('phishing.example')
      await bare.close()
    } finally {
      await web.close()
    }
  })
})

describe('input that cannot be a certificate number', () => {
  it.each([
    ['too short', 'AB1'],
    ['no digit', 'ABCDEFGH'],
    ['other characters', 'LSPS*2024'],
    ['too long', `L${'1'.repeat(45)}`],
  ])('%s: a clear message, 400, the field marked and kept for correction', async (_, typed) => {
    const { html, verdict: box } = await page(`/verifikasi/${encodeURIComponent(typed)}`, 400)
    expect(box?.status).toBe('invalid')
    expect(box?.text).toContain('BUKAN NOMOR SERTIFIKAT')
    expect(box?.text).toContain(`Anda mengetik: “${typed}”.`)
    expect(box?.text).toContain('Nomor sertifikat terdiri dari 4–40 huruf dan angka')
    expect(html).toMatch(
      /id="nomor" name="nomor" value="[^"]+"[^>]*autofocus="" aria-invalid="true" aria-describedby="hasil nomor-hint"/,
    )
  })

  it('an empty number asks for one', async () => {
    const get = await page('/verifikasi?nomor=', 400)
    expect(get.verdict?.text).toBe(
      'BUKAN NOMOR SERTIFIKAT Ketik nomor sertifikat. Nomor sertifikat terdiri dari 4–40 huruf dan angka (paling sedikit satu angka), misalnya LSPS-2024-00123.',
    )
    const post = await f.post({ nomor: '', nama: 'Siti' })
    expect(post.status).toBe(400)
    expect(verdict(await post.text())?.status).toBe('invalid')
  })

  it('in English', async () => {
    const { verdict: box } = await page('/verifikasi/xyz?lang=en', 400)
    expect(box?.text).toContain('NOT A CERTIFICATE NUMBER You typed: “xyz”.')
  })

  it('<script> typed into the form comes back as text, never as markup', async () => {
    const attack = '<script>alert(1)</script>'
    const name = '"><img src=x onerror=alert(2)>'
    const response = await f.post({ nomor: attack, nama: name })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('Anda mengetik: “&lt;script&gt;alert(1)&lt;/script&gt;”.')
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"')
    const path = await f.get(`/verifikasi/${encodeURIComponent(attack)}`)
    expect(await path.text()).not.toContain('<script')
  })

  it('any text at all gets a page with a verdict, never a crash or unescaped markup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), async (typed) => {
        const response = await f.get(`/verifikasi/${encodeURIComponent(typed)}`)
        expect([200, 400, 404]).toContain(response.status)
        const html = await response.text()
        expect(verdict(html)).toBeDefined()
        expect(html).not.toMatch(/<script|<img|<iframe/i)
      }),
      { numRuns: 150 },
    )
  })
})

describe('the optional holder name', () => {
  it.each([
    ['the same name', CERTS.valid, 'Siti Rahmawati Nasution'],
    ['other case and spaces', CERTS.valid, '  siti   RAHMAWATI nasution '],
    ['without accents', CERTS.lastDay, 'theresia noviyanti'],
  ])('%s: COCOK, without showing the name', async (_, cert, typed) => {
    const response = await f.post({ nomor: cert.displayNumber.toLowerCase(), nama: typed })
    expect(response.status).toBe(200)
    expect(response.headers.get('Location')).toBeNull()
    const html = await response.text()
    expect(html).toContain(
      '<p class="name-check" data-name-match="match">Nama yang Anda ketik COCOK dengan nama pemegang sertifikat.</p>',
    )
    expect(verdict(html)?.status).toBe('valid')
    for (const word of cert.holderName.split(' ')) expect(html.toLowerCase()).not.toContain(word.toLowerCase())
    expect(html.toLowerCase()).not.toContain(typed.trim().toLowerCase())
  })

  it('another name: TIDAK COCOK, and neither name is shown', async () => {
    const response = await f.post({ nomor: 'LSPS-2024-00009', nama: 'Siti Rahma Nasution' })
    const html = await response.text()
    expect(html).toContain('data-name-match="no-match">Nama yang Anda ketik TIDAK COCOK dengan nama pemegang sertifikat.</p>')
    expect(html).not.toContain('Rahmawati')
    expect(html).not.toContain('Rahma ')
    expect(html).toContain('Sit… Rah… Nas…')
  })

  it('in English, with the language link going to the result without the name', async () => {
    const response = await f.post({ nomor: 'LSPS-2023-00901', nama: 'hendra gunawan', lang: 'en' })
    const html = await response.text()
    expect(html).toContain('data-name-match="match">The name you typed MATCHES the certificate holder&#39;s name.</p>')
    expect(verdict(html)?.text).toContain('REVOKED')
    expect(html).toContain('<a href="/verifikasi/LSPS202300901" lang="id" hreflang="id">Bahasa Indonesia</a>')
  })

  it(`answers ${NAME_CHECKS_PER_DAY} name checks per certificate and day, from any address and any instance; then says so, and the next day again`, async () => {
    const check = (name: string, address: string) =>
      f.post({ nomor: 'LSPS-2024-00009', nama: name }, address).then(async (r) => {
        const match = /data-name-match="([a-z-]+)"/.exec(await r.text())?.[1]
        return `${r.status} ${match}`
      })
    const answers = []
    for (let i = 0; i < NAME_CHECKS_PER_DAY; i++) answers.push(await check(`Siti Guess${i}`, `203.0.113.${i}`))
    expect(answers).toEqual(Array(NAME_CHECKS_PER_DAY).fill('200 no-match'))
    // The right name, from a new address: still not answered, the certificate is shown all the same.
    const limited = await f.post({ nomor: 'LSPS-2024-00009', nama: 'Siti Rahmawati Nasution' }, '198.51.100.200')
    const html = await limited.text()
    expect(verdict(html)?.status).toBe('valid')
    expect(html).toContain(`sudah diperiksa ${NAME_CHECKS_PER_DAY} kali hari ini`)
    expect(html).not.toContain('COCOK')
    // Another instance on the same database (or this one after a restart) counts the same.
    const other = createWebApp({
      version: '0',
      logger: pino({ level: 'silent' }),
      clock: f.clock.now,
      channels: () => ({}),
      checkDatabase: () => undefined,
      verify: { db: f.core.db, signingKey: 'k'.repeat(32), ratePerMinute: 100 },
    })
    const again = await other.request('/verifikasi', {
      method: 'POST',
      body: new URLSearchParams({ nomor: 'LSPS-2024-00009', nama: 'Siti Rahmawati Nasution' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(await again.text()).toContain('data-name-match="limited"')
    // Another certificate has its own budget.
    expect(await f.post({ nomor: 'LSPS-2023-00901', nama: 'hendra gunawan' }).then((r) => r.text())).toContain(
      'data-name-match="match"',
    )
    f.clock.advance(24 * 3_600_000)
    expect(await check('Siti Rahmawati Nasution', '203.0.113.1')).toBe('200 match')
  })

  it('is not checked against a number nobody holds', async () => {
    const response = await f.post({ nomor: 'LSPS-2024-99999', nama: 'Siti Rahmawati Nasution' })
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('data-name-match')
  })
})

describe('the signed link from the QR code: /v/<number>?s=<signature>', () => {
  it('shows the full name when the signature is genuine', async () => {
    const { html, verdict: box } = await page(signedPath('LSPS202400009'))
    expect(box?.status).toBe('valid')
    expect(html).toContain('<span data-holder="full">Siti Rahmawati Nasution</span>')
    expect(html).toContain('data-signature="genuine"')
    expect(html).not.toContain('not-genuine')
    expect(html).not.toContain('disamarkan')
  })

  it('also for a revoked certificate, and for the number written with dashes', async () => {
    const { html, verdict: box } = await page(
      `/v/lsps-2023-00901?s=${signNumber('LSPS202300901', 'test-signing-key-0123456789abcdef0123456789')}`,
    )
    expect(box?.status).toBe('revoked')
    expect(html).toContain('<span data-holder="full">Hendra Gunawan</span>')
  })

  it.each([
    ['a changed character', () => signedPath('LSPS202400009').replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    [
      'the signature of another certificate',
      () => `/v/LSPS202400009?s=${signNumber('LSPS202300901', 'test-signing-key-0123456789abcdef0123456789')}`,
    ],
    ['a signature made with another key', () => signedPath('LSPS202400009', 'someone-elses-key-0123456789abcdef0123')],
    ['no signature', () => '/v/LSPS202400009'],
    ['an empty signature', () => '/v/LSPS202400009?s='],
    ['a cut signature', () => signedPath('LSPS202400009').slice(0, -3)],
  ])('%s: says plainly the link is not genuine and shows the masked record', async (_, path) => {
    const { html, text, verdict: box } = await page(path())
    expect(box?.status).toBe('valid')
    expect(html).toContain('<div class="notice notice-warning" role="alert" data-signature="not-genuine">')
    expect(text).toContain('Tautan ini TIDAK ASLI: tanda tangannya tidak cocok dengan nomor sertifikat')
    expect(html).toContain('<span data-holder="masked">Sit… Rah… Nas…</span>')
    expect(html).not.toContain('Rahmawati')
  })

  it('in English, and the language link keeps the signature', async () => {
    const genuine = await page(`${signedPath('LSPS202400009')}&lang=en`)
    expect(genuine.text).toContain("This link is genuine (from the certificate's QR code), so the holder's full name is shown.")
    expect(genuine.html).toContain(`<a href="${signedPath('LSPS202400009')}" lang="id" hreflang="id">`)
    const indonesian = await page(signedPath('LSPS202400009'))
    expect(indonesian.html).toContain(`<a href="${signedPath('LSPS202400009')}&amp;lang=en" lang="en" hreflang="en">`)
    const forged = await page('/v/LSPS202400009?s=AAAAAAAAAAAAAAAAAAAAAA&lang=en')
    expect(forged.text).toContain('This link is NOT GENUINE')
  })

  it('a number nobody holds is not found, and an impossible one is refused', async () => {
    const missing = await page(signedPath('LSPS202499999'), 404)
    expect(missing.verdict?.status).toBe('not-found')
    const invalid = await page('/v/x?s=abc', 400)
    expect(invalid.verdict?.status).toBe('invalid')
  })
})

describe('accessibility', () => {
  it('a result: one h1, the verdict first in the main content and in the title, a skip link, labelled fields', async () => {
    const { html } = await page('/verifikasi/LSPS-2024-00902')
    expect(html.match(/<h1[ >]/g)).toHaveLength(1)
    expect(html).toMatch(/<title>DIBEKUKAN: /)
    expect(html).toContain('<a class="skip" href="#isi">Langsung ke isi</a>')
    expect(html).toContain('<main id="isi" tabindex="-1"><h1>Hasil verifikasi sertifikat</h1><div class="verdict')
    expect(html.match(/role="status"/g)).toHaveLength(1)
    for (const id of ['nomor', 'nama']) {
      expect(html).toContain(`<label for="${id}">`)
      expect(html).toContain(`aria-describedby="${id}-hint"`)
    }
    // Dates are machine-readable too.
    expect(html).toContain('<time datetime="2029-01-14">14 Januari 2029</time>')
  })
})

describe('when the database cannot answer', () => {
  it('a result address answers a plain 500 page in the reader’s language, with the page’s headers', async () => {
    f.breakReads()

    const response = await f.get(`/verifikasi/${CERTS.valid.number}`)
    expect(response.status).toBe(500)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const html = await response.text()
    expect(verdict(html)).toEqual({ status: 'unavailable', text: expect.stringContaining('Layanan sedang terganggu') })
    expect(visibleText(html)).toContain('Coba lagi beberapa saat lagi.')
    // Nothing about the error itself, and the form to try again.
    expect(html).not.toMatch(/SQLITE|kesos\.db/)
    expect(html).toContain('<form method="post" action="/verifikasi">')

    // The link to the other language keeps the address as it was, the QR signature with it.
    expect(html).toContain('<a href="/verifikasi/LSPS202400009?lang=en" lang="en" hreflang="en">English</a>')

    const english = await f.get('/v/LSPS%202024%2000009?s=abc&lang=en')
    expect(english.status).toBe(500)
    const page = await english.text()
    expect(visibleText(page)).toContain('Service temporarily unavailable')
    expect(visibleText(page)).toContain('Please try again in a few moments.')
    expect(page).toContain('<a href="/v/LSPS%202024%2000009?s=abc" lang="id" hreflang="id">Bahasa Indonesia</a>')

    // The form posted in English (with a name, so it is answered there): the English page.
    const posted = await f.post({ nomor: CERTS.valid.number, nama: 'Siti', lang: 'en' })
    expect(posted.status).toBe(500)
    expect(verdict(await posted.text())?.text).toContain('Service temporarily unavailable')
  })
})
