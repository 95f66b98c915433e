/** The verification settings as `loadConfig` reads them: the signing key, the rate limit, the proxy. */
import { describe, expect, it } from 'vitest'
import { ConfigError, DEV_CERT_SIGNING_KEY, loadConfig } from '../../src/config.js'

const BASE = { DATABASE_PATH: ':memory:', NODE_ENV: 'test' }
const PRODUCTION = { ...BASE, NODE_ENV: 'production', DATA_ENCRYPTION_KEY: 'ab'.repeat(32) }
const load = (env: Record<string, string>) => loadConfig({ ...BASE, ...env })

function rejection(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(env)}`)
}

describe('CERT_SIGNING_KEY', () => {
  it('is required in production, with one line saying how to make one', () => {
    const error = rejection(PRODUCTION)
    expect(error.variable).toBe('CERT_SIGNING_KEY')
    expect(error.message).toBe(
      'Configuration error: CERT_SIGNING_KEY must be set in production (openssl rand -hex 32): it signs the QR links printed on certificates',
    )
  })

  it('in production is not the public development key', () => {
    expect(rejection({ ...PRODUCTION, CERT_SIGNING_KEY: DEV_CERT_SIGNING_KEY }).variable).toBe('CERT_SIGNING_KEY')
  })

  it('is taken as given when long enough', () => {
    const key = 'cd'.repeat(32)
    expect(loadConfig({ ...PRODUCTION, CERT_SIGNING_KEY: key }).CERT_SIGNING_KEY).toBe(key)
    expect(load({ CERT_SIGNING_KEY: 'x'.repeat(32) }).CERT_SIGNING_KEY).toBe('x'.repeat(32))
  })

  it.each(['too-short', 'with spaces in it but long enough to pass'])('rejects %s without printing it back', (value) => {
    const error = rejection({ ...BASE, CERT_SIGNING_KEY: value })
    expect(error.variable).toBe('CERT_SIGNING_KEY')
    expect(error.message).toContain('CERT_SIGNING_KEY must be 32–256 characters without spaces')
    expect(error.message).not.toContain(value)
  })

  it('outside production falls back to the public development key (start-up warns about it)', () => {
    expect(load({}).CERT_SIGNING_KEY).toBe(DEV_CERT_SIGNING_KEY)
    expect(load({ CERT_SIGNING_KEY: '' }).CERT_SIGNING_KEY).toBe(DEV_CERT_SIGNING_KEY)
    expect(DEV_CERT_SIGNING_KEY).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('VERIFY_RATE_LIMIT_PER_MINUTE and TRUST_PROXY', () => {
  it('default to 60 lookups a minute and no trusted proxy', () => {
    const config = load({})
    expect(config.VERIFY_RATE_LIMIT_PER_MINUTE).toBe(60)
    expect(config.TRUST_PROXY).toBe(false)
  })

  it('accept a whole number and true/false', () => {
    const config = load({ VERIFY_RATE_LIMIT_PER_MINUTE: '120', TRUST_PROXY: 'true' })
    expect(config.VERIFY_RATE_LIMIT_PER_MINUTE).toBe(120)
    expect(config.TRUST_PROXY).toBe(true)
  })

  it.each(['0', '-5', '1.5', 'many', '100001'])('VERIFY_RATE_LIMIT_PER_MINUTE=%s is rejected naming the variable', (value) => {
    const error = rejection({ ...BASE, VERIFY_RATE_LIMIT_PER_MINUTE: value })
    expect(error.variable).toBe('VERIFY_RATE_LIMIT_PER_MINUTE')
    expect(error.message).toContain('VERIFY_RATE_LIMIT_PER_MINUTE must be a whole number of lookups from 1 to 100000')
    expect(error.message).toContain(`"${value}"`)
  })

  it('TRUST_PROXY=maybe is rejected naming the variable', () => {
    expect(rejection({ ...BASE, TRUST_PROXY: 'maybe' }).message).toContain('TRUST_PROXY must be true or false')
  })
})
