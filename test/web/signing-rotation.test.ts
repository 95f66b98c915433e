/**
 * Rotating CERT_SIGNING_KEY: links name the key that signed them (`k=`), CERT_SIGNING_KEY_PREVIOUS
 * verifies what earlier keys signed, so certificates printed before a rotation stay genuine, also
 * those printed before links named their key; nothing else passes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { signedLink, signNumber } from '../../src/core/certificates/verify.js'
import { CERTS, type Fixture, verifyFixture } from '../support/verify-fixture.js'

const OLD = 'old-signing-key-0123456789abcdef0123456789'
const NEW = 'new-signing-key-0123456789abcdef0123456789'
const NUMBER = CERTS.valid.number

let fixture: Fixture | undefined
afterEach(() => fixture?.close())

/** What the page says of a link: genuine or not. */
async function signatureOf(path: string, keys: { signingKey: string; previousSigningKeys?: string[] }) {
  await fixture?.close()
  fixture = await verifyFixture(keys)
  const html = await (await fixture.get(path)).text()
  return /data-signature="([a-z-]+)"/.exec(html)?.[1]
}

/** The path of a link as `npm run cli -- qr` prints it. */
const printed = (key: string, number = NUMBER) =>
  new URL(signedLink('https://sertifikasi.example.id', number, key)).href.slice(30)
/** A link printed before links named their key. */
const legacy = (key: string) => `/v/${NUMBER}?s=${signNumber(NUMBER, key)}`

describe('after the signing key is rotated (CERT_SIGNING_KEY=new, CERT_SIGNING_KEY_PREVIOUS=old)', () => {
  const rotated = { signingKey: NEW, previousSigningKeys: [OLD] }

  it('the printed links name their key', () => {
    expect(printed(OLD)).toMatch(new RegExp(`^/v/${NUMBER}\\?k=[A-Za-z0-9_-]{4}&s=[A-Za-z0-9_-]{22}$`))
    expect(printed(OLD)).not.toBe(printed(NEW))
  })

  it('QR codes printed before stay genuine, with or without the key id, and new ones are genuine', async () => {
    expect(await signatureOf(printed(OLD), rotated)).toBe('genuine')
    expect(await signatureOf(legacy(OLD), rotated)).toBe('genuine')
    expect(await signatureOf(printed(NEW), rotated)).toBe('genuine')
    expect(await signatureOf(legacy(NEW), rotated)).toBe('genuine')
  })

  it('without CERT_SIGNING_KEY_PREVIOUS the old links are not genuine', async () => {
    expect(await signatureOf(printed(OLD), { signingKey: NEW })).toBe('not-genuine')
    expect(await signatureOf(legacy(OLD), { signingKey: NEW })).toBe('not-genuine')
  })

  it('a signature is checked only against the key its link names, and a link of another certificate does not pass', async () => {
    const oldSignatureNewId = printed(NEW).replace(/s=.*$/, `s=${signNumber(NUMBER, OLD)}`)
    expect(await signatureOf(oldSignatureNewId, rotated)).toBe('not-genuine')
    const otherCertificate = printed(OLD, CERTS.revoked.number).replace(CERTS.revoked.number, NUMBER)
    expect(await signatureOf(otherCertificate, rotated)).toBe('not-genuine')
    expect(await signatureOf(printed('someone-elses-key-0123456789abcdef0123'), rotated)).toBe('not-genuine')
  })
})
