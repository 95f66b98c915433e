/**
 * The WhatsApp connection as an operator sees it: one socket at a time, the QR or pairing code
 * while unpaired, reconnects after the right delay, a new pairing after a logout, a clean stop
 * when WhatsApp refuses the session, and a session that survives in the database. Fake Baileys
 * socket, real auth store on in-memory SQLite, fake timers.
 */
import type { AuthenticationState, BaileysEventMap } from '@whiskeysockets/baileys'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAuthStore } from '../../src/bots/whatsapp/auth-state.js'
import { type ConnectionDeps, type ConnectionState, createConnection } from '../../src/bots/whatsapp/connection.js'
import type { SocketFactory, WhatsAppSocket } from '../../src/bots/whatsapp/socket.js'
import { closeDatabase } from '../../src/db/client.js'
import { testAuthBox, testCore } from '../support/core.js'
import { disconnectError, type FakeSocket, type FakeWhatsApp, fakeWhatsApp } from '../support/fake-whatsapp.js'

/** The session's box: one key for the whole file, as one server keeps one key across restarts. */
const box = testAuthBox()
const PAIRING_NUMBER = '6281234567890'
/** With `random: () => 0.5` and the default backoff (1 s base): half of 1 s, 2 s, 4 s… plus half of that. */
const BACKOFF_DELAYS = [750, 1_500, 3_000, 6_000]
const LONG_TIME = 24 * 60 * 60_000

type ConnectionUpdate = BaileysEventMap['connection.update']

const cleanups: (() => Promise<void> | void)[] = []
const fakes: FakeWhatsApp[] = []

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(async () => {
  // Never two sockets at once, in any scenario: two would fight over the same session.
  for (const fake of fakes.splice(0)) expect(fake.overlaps).toBe(0)
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.useRealTimers()
})

async function setup(over: Partial<ConnectionDeps> = {}) {
  const { db } = await testCore()
  cleanups.push(() => closeDatabase(db))
  const fake = fakeWhatsApp()
  fakes.push(fake)
  const auth = await createAuthStore(db, () => new Date(), box)
  const given: AuthenticationState[] = []
  /** `connection.update` listeners per socket, to deliver an event late, as if it had been queued. */
  const listeners = new Map<WhatsAppSocket, ((update: ConnectionUpdate) => void)[]>()
  const factory: SocketFactory = (authState) => {
    given.push(authState)
    const socket = fake.factory(authState)
    const kept: ((update: ConnectionUpdate) => void)[] = []
    listeners.set(socket, kept)
    const on = socket.ev.on
    socket.ev = {
      on: (event, listener) => {
        if (event === 'connection.update') kept.push(listener as (update: ConnectionUpdate) => void)
        on(event, listener)
      },
    }
    return socket
  }
  const states: ConnectionState[] = []
  const attached: WhatsAppSocket[] = []
  const connection = createConnection({
    auth,
    factory,
    logger: pino({ level: 'silent' }),
    onSocket: (socket) => attached.push(socket),
    onChange: (state) => states.push(state),
    random: () => 0.5,
    now: () => new Date(),
    ...over,
  })
  cleanups.push(() => connection.stop())
  /** The newest socket. */
  const socket = (): FakeSocket => fake.current()
  /** Delivers a connection update to `socket` through the listeners it had, even after it closed. */
  const late = (old: WhatsAppSocket, update: ConnectionUpdate) => {
    for (const listener of listeners.get(old) ?? []) listener(update)
  }
  return { db, fake, auth, given, connection, states, attached, socket, late }
}

/** Lets promise callbacks and 0 ms timers run. */
const tick = () => vi.advanceTimersByTimeAsync(0)

/** Records how a promise settled, without failing on a rejection nobody awaited yet. */
function track<T>(promise: Promise<T>) {
  const result: { value?: T; error?: Error; settled: boolean } = { settled: false }
  promise.then(
    (value) => Object.assign(result, { value, settled: true }),
    (error: Error) => Object.assign(result, { error, settled: true }),
  )
  return result
}

/** A stored key, as Baileys writes one during a session. */
const PRE_KEY = { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) }

describe('starting', () => {
  it('makes exactly one socket and reports connecting until WhatsApp answers', async () => {
    const { fake, connection, attached } = await setup()
    connection.start()
    connection.start()
    expect(fake.sockets).toHaveLength(1)
    expect(attached).toEqual(fake.sockets)
    expect(connection.state().status).toBe('connecting')
    expect(connection.current()).toBeUndefined()

    // A slow server is not a reason to open another socket.
    await vi.advanceTimersByTimeAsync(LONG_TIME)
    expect(fake.sockets).toHaveLength(1)
  })

  it('is open, and hands out the socket, once WhatsApp accepts the session', async () => {
    const { connection, socket, states } = await setup()
    connection.start()
    socket().open()
    expect(connection.state().status).toBe('open')
    expect(connection.current()).toBe(socket())
    expect(states.map((s) => s.status)).toEqual(['connecting', 'open'])
  })
})

describe('pairing', () => {
  it('shows the QR while unpaired, and replaces it when WhatsApp rotates it', async () => {
    const { connection, socket, states } = await setup()
    connection.start()
    socket().showQr('a')
    expect(connection.state()).toMatchObject({ status: 'pairing', qr: 'a' })
    expect(connection.current()).toBeUndefined()

    socket().showQr('b')
    expect(connection.state()).toMatchObject({ status: 'pairing', qr: 'b' })
    expect(connection.state().pairingCode).toBeUndefined()
    // onChange gets every QR, so the terminal can print the new one.
    expect(states.map((s) => s.qr).filter(Boolean)).toEqual(['a', 'b'])
  })

  it('drops the QR once the phone has scanned it and the connection is open', async () => {
    const { connection, socket } = await setup()
    connection.start()
    socket().showQr('a')
    socket().open()
    expect(connection.state().status).toBe('open')
    expect(connection.state().qr).toBeUndefined()
  })

  it('reports the moment the number was paired, so the admin page can show it', async () => {
    const paired: Date[] = []
    const { connection, socket } = await setup({
      onPaired: (at) => {
        paired.push(at)
      },
    })
    connection.start()
    socket().showQr('a')
    expect(paired).toEqual([])
    socket().emit('connection.update', { isNewLogin: true, qr: undefined })
    expect(paired).toEqual([new Date(Date.now())])
  })

  it('asks once for a pairing code instead of showing the QR when a pairing number is set', async () => {
    const { connection, socket, auth } = await setup({ pairingNumber: PAIRING_NUMBER })
    expect(auth.isPaired()).toBe(false)
    connection.start()
    socket().showQr('a')
    await tick()
    socket().showQr('b')
    await tick()

    expect(socket().pairingRequests).toEqual([PAIRING_NUMBER])
    expect(connection.state()).toMatchObject({ status: 'pairing', pairingCode: 'KSOS4321' })
    expect(connection.state().qr).toBeUndefined()
  })

  it('does not show a pairing code that arrives after its socket closed', async () => {
    const { connection, socket } = await setup({ pairingNumber: PAIRING_NUMBER })
    connection.start()
    socket().showQr('a')
    // The request is on its way when the socket drops; its code is useless on the next socket.
    socket().close(408)
    await tick()
    expect(connection.state().status).toBe('reconnecting')
    expect(connection.state().pairingCode).toBeUndefined()
  })
})

describe('reconnecting', () => {
  it('opens a new socket at once, with the same session, when WhatsApp asks for a restart (515)', async () => {
    const { fake, connection, socket, auth, given } = await setup()
    connection.start()
    const noiseKey = Buffer.from(auth.state.creds.noiseKey.public)
    socket().close(515)
    expect(connection.state().lastDisconnect?.code).toBe(515)

    await tick()
    expect(fake.sockets).toHaveLength(2)
    expect(given[1]).toBe(given[0])
    expect(Buffer.from(auth.state.creds.noiseKey.public).equals(noiseKey)).toBe(true)
    expect(connection.state().status).toBe('connecting')
  })

  it('waits longer after each failed reconnect (408), and says when it will try again', async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    for (const [index, delay] of BACKOFF_DELAYS.entries()) {
      socket().close(408)
      expect(connection.state()).toMatchObject({
        status: 'reconnecting',
        retryAt: new Date(Date.now() + delay),
        lastDisconnect: { code: 408 },
      })
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(fake.sockets).toHaveLength(index + 1)
      await vi.advanceTimersByTimeAsync(1)
      expect(fake.sockets).toHaveLength(index + 2)
    }
  })

  it.each([
    ['a closed connection (428)', 428],
    ['an unavailable service (503)', 503],
    ['an error without a code', undefined],
  ])('also reconnects after a delay on %s', async (_name, code) => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().close(code)
    expect(connection.state()).toMatchObject({ status: 'reconnecting', lastDisconnect: { code } })
    await vi.advanceTimersByTimeAsync(749)
    expect(fake.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fake.sockets).toHaveLength(2)
  })

  it('starts the backoff from the shortest delay again after the connection was open', async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().close(408)
    await vi.advanceTimersByTimeAsync(750)
    socket().close(408)
    await vi.advanceTimersByTimeAsync(1_500)
    expect(fake.sockets).toHaveLength(3)

    socket().open()
    socket().close(408)
    expect(connection.state().retryAt).toEqual(new Date(Date.now() + 750))
    await vi.advanceTimersByTimeAsync(750)
    expect(fake.sockets).toHaveLength(4)
  })
})

describe('a logout (401)', () => {
  it('forgets the stored session and opens a new socket, so a new QR can be scanned', async () => {
    const { db, fake, connection, socket, auth, given } = await setup()
    await auth.state.keys.set({ 'pre-key': { '1': PRE_KEY } })
    auth.state.creds.registered = true
    await auth.saveCreds()
    const oldNoiseKey = Buffer.from(auth.state.creds.noiseKey.public)
    connection.start()
    socket().open()

    socket().close(401)
    await tick()

    expect(await auth.state.keys.get('pre-key', ['1'])).toEqual({})
    expect(Buffer.from(auth.state.creds.noiseKey.public).equals(oldNoiseKey)).toBe(false)
    expect(auth.isPaired()).toBe(false)
    // Nothing of the old session is left for the next start either.
    expect(await (await createAuthStore(db, () => new Date(), box)).state.keys.get('pre-key', ['1'])).toEqual({})

    expect(fake.sockets).toHaveLength(2)
    expect(given[1]?.creds).toBe(auth.state.creds)
    socket().showQr('new')
    expect(connection.state()).toMatchObject({ status: 'pairing', qr: 'new', lastDisconnect: { code: 401 } })
  })

  it('asks for a new pairing code when pairing by number', async () => {
    const { connection, socket, auth } = await setup({ pairingNumber: PAIRING_NUMBER })
    auth.state.creds.registered = true
    connection.start()
    socket().open()
    socket().close(401)
    await tick()

    socket().showQr('new')
    await tick()
    expect(socket().pairingRequests).toEqual([PAIRING_NUMBER])
    expect(connection.state()).toMatchObject({ status: 'pairing', pairingCode: 'KSOS4321' })
  })
})

describe('closes that stop the connection for good', () => {
  it("stops as 'replaced' when the session was opened elsewhere (440), and never reconnects", async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().open()
    socket().close(440)
    await vi.advanceTimersByTimeAsync(LONG_TIME)

    expect(fake.sockets).toHaveLength(1)
    expect(connection.state()).toMatchObject({ status: 'replaced', lastDisconnect: { code: 440 } })
    expect(connection.current()).toBeUndefined()
  })

  it.each([
    ['a bad session', 500, /bad session/],
    ['a forbidden number', 403, /forbidden/],
    ['a multi-device mismatch', 411, /multi-device mismatch/],
  ])("stops as 'failed' on %s (%i), saying why, and never reconnects", async (_name, code, reason) => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().close(code)
    await vi.advanceTimersByTimeAsync(LONG_TIME)

    expect(fake.sockets).toHaveLength(1)
    expect(connection.state()).toMatchObject({ status: 'failed', lastDisconnect: { code } })
    expect(connection.state().lastDisconnect?.reason).toMatch(reason)
  })
})

describe('whenOpen', () => {
  it('resolves with the socket once the connection opens', async () => {
    const { connection, socket } = await setup()
    connection.start()
    const waiting = track(connection.whenOpen(10_000))
    await tick()
    expect(waiting.settled).toBe(false)

    socket().open()
    await tick()
    expect(waiting.value).toBe(socket())
  })

  it('resolves at once while the connection is open', async () => {
    const { connection, socket } = await setup()
    connection.start()
    socket().open()
    await expect(connection.whenOpen(0)).resolves.toBe(socket())
  })

  it('waits through a reconnect and resolves with the new socket', async () => {
    const { connection, socket } = await setup()
    connection.start()
    const waiting = track(connection.whenOpen(10_000))
    socket().close(408)
    await vi.advanceTimersByTimeAsync(750)
    socket().open()
    await tick()
    expect(waiting.value).toBe(socket())
  })

  it('rejects when the connection did not open in time', async () => {
    const { connection } = await setup()
    connection.start()
    const waiting = track(connection.whenOpen(5_000))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(waiting.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(waiting.error?.message).toBe('WhatsApp not connected')
  })

  it.each([
    ['replaced', 440],
    ['failed', 403],
  ])('rejects at once, not at the timeout, when the connection stops as %s', async (_status, code) => {
    const { connection, socket } = await setup()
    connection.start()
    const waiting = track(connection.whenOpen(60_000))
    socket().close(code)
    await tick()
    expect(waiting.error?.message).toMatch(/^WhatsApp stopped: /)
    await expect(connection.whenOpen(60_000)).rejects.toThrow('WhatsApp is not running')
  })

  it('rejects when the connection is stopped', async () => {
    const { connection } = await setup()
    connection.start()
    const waiting = track(connection.whenOpen(60_000))
    await connection.stop()
    expect(waiting.error?.message).toBe('WhatsApp stopped')
  })
})

describe('stop', () => {
  it('ends the open socket and makes no other, whatever happens later', async () => {
    const { fake, connection, socket, late } = await setup()
    connection.start()
    socket().open()
    const only = socket()
    await connection.stop()

    expect(only.ended).toBe(true)
    expect(connection.state().status).toBe('stopped')
    expect(connection.current()).toBeUndefined()
    // A close Baileys still had queued must not bring the connection back.
    late(only, { connection: 'close', lastDisconnect: { error: disconnectError(515), date: new Date() } })
    await vi.advanceTimersByTimeAsync(LONG_TIME)
    expect(fake.sockets).toHaveLength(1)
    expect(connection.state().status).toBe('stopped')
  })

  it('cancels a pending reconnect', async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().close(408)
    await connection.stop()
    await vi.advanceTimersByTimeAsync(LONG_TIME)
    expect(fake.sockets).toHaveLength(1)
    expect(connection.state().status).toBe('stopped')
  })

  it('can be started again afterwards', async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    await connection.stop()
    connection.start()
    expect(fake.sockets).toHaveLength(2)
    socket().open()
    expect(connection.current()).toBe(socket())
  })
})

describe('events from an old socket', () => {
  it('are ignored once a new socket was made', async () => {
    const { fake, connection, socket, late } = await setup()
    connection.start()
    const old = socket()
    old.close(515)
    await tick()
    socket().open()

    // Late news from the first socket: none of it may touch the new, open connection.
    late(old, { qr: 'stale' })
    late(old, { connection: 'close', lastDisconnect: { error: disconnectError(440), date: new Date() } })
    await vi.advanceTimersByTimeAsync(LONG_TIME)

    expect(fake.sockets).toHaveLength(2)
    expect(connection.state().status).toBe('open')
    expect(connection.state().qr).toBeUndefined()
    expect(connection.current()).toBe(socket())
  })

  it('cannot mark the connection open while the new socket is still connecting', async () => {
    const { connection, socket, late } = await setup()
    connection.start()
    const old = socket()
    old.close(515)
    await tick()

    late(old, { connection: 'open' })
    expect(connection.state().status).toBe('connecting')
    expect(connection.current()).toBeUndefined()
  })
})

describe('never two sockets at once', () => {
  it('holds across a long run of restarts, drops, a logout and a pairing', async () => {
    const { fake, connection, socket } = await setup()
    connection.start()
    socket().showQr('a')
    socket().close(515)
    await tick()
    socket().open()
    for (const code of [408, 428, 503, undefined, 515]) {
      socket().close(code)
      await vi.advanceTimersByTimeAsync(10 * 60_000)
    }
    socket().open()
    socket().close(401)
    await tick()
    socket().showQr('b')
    socket().close(515)
    await tick()
    socket().open()

    expect(fake.sockets).toHaveLength(9)
    expect(fake.overlaps).toBe(0)
    expect(fake.sockets.slice(0, -1).every((s) => s.ended)).toBe(true)
    expect(connection.current()).toBe(socket())
  })
})

describe('the stored session', () => {
  it('is saved whenever Baileys reports new credentials, so it survives a restart', async () => {
    const { db, connection, auth, socket } = await setup()
    connection.start()
    // Baileys updates the creds object in place, then emits "creds.update".
    auth.state.creds.me = { id: `${PAIRING_NUMBER}:5@s.whatsapp.net`, name: 'Kesos' }
    expect((await createAuthStore(db, () => new Date(), box)).state.creds.me).toBeUndefined()

    socket().emit('creds.update', { me: auth.state.creds.me })
    await tick()
    const reloaded = (await createAuthStore(db, () => new Date(), box)).state.creds
    expect(reloaded.me?.id).toBe(`${PAIRING_NUMBER}:5@s.whatsapp.net`)
    expect(reloaded.registrationId).toBe(auth.state.creds.registrationId)
  })

  it('is saved by every new socket, not only the first', async () => {
    const { db, connection, auth, socket } = await setup()
    connection.start()
    socket().close(515)
    await tick()
    auth.state.creds.registered = true
    socket().emit('creds.update', { registered: true })
    await tick()
    expect((await createAuthStore(db, () => new Date(), box)).isPaired()).toBe(true)
  })
})
