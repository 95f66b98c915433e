/**
 * Keeps one WhatsApp connection alive: opens a socket, saves the session when Baileys updates it,
 * shows the QR (or asks for a pairing code) until the number is paired, and on every close does
 * what `decide` says. Never two sockets at once: a new one is made only after the old one closed.
 */
import type { Logger } from 'pino'
import type { AuthStore } from './auth-state.js'
import { type Backoff, DEFAULT_BACKOFF, decide } from './connection-policy.js'
import type { SocketFactory, WhatsAppSocket } from './socket.js'

export type ConnectionStatus =
  | 'stopped'
  | 'connecting'
  /** Waiting for the number to be paired: `qr` or `pairingCode` is set. */
  | 'pairing'
  | 'open'
  | 'reconnecting'
  /** Stopped because another client took the session over. */
  | 'replaced'
  /** Stopped because WhatsApp refused the session; `reason` says what to do. */
  | 'failed'

export type ConnectionState = {
  status: ConnectionStatus
  since: Date
  qr?: string
  pairingCode?: string
  /** When reconnecting: the moment of the next attempt. */
  retryAt?: Date
  lastDisconnect?: { code: number | undefined; reason: string; at: Date }
}

export type ConnectionDeps = {
  auth: AuthStore
  factory: SocketFactory
  logger: Logger
  /** Digits with country code: pair by code instead of QR. */
  pairingNumber?: string
  /** Called with every new socket, before it connects, to attach the message handlers. */
  onSocket: (socket: WhatsAppSocket) => void
  /** Called when the number was paired for the first time (store the moment). */
  onPaired?: (at: Date) => void | Promise<void>
  /** Called on every change of state (e.g. to print a new QR in the terminal). */
  onChange?: (state: ConnectionState) => void
  backoff?: Backoff
  random?: () => number
  /** The time of the states and of a retry. */
  now: () => Date
}

export type Connection = {
  start(): void
  stop(): Promise<void>
  state(): ConnectionState
  /** The socket while the connection is open. */
  current(): WhatsAppSocket | undefined
  /** Resolves with the socket once open; rejects after `timeoutMs` or when the connection stops. */
  whenOpen(timeoutMs: number): Promise<WhatsAppSocket>
}

const statusCodeOf = (error: unknown): number | undefined =>
  (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode

export function createConnection(deps: ConnectionDeps): Connection {
  const { auth, logger, now } = deps
  const random = deps.random ?? Math.random
  let state: ConnectionState = { status: 'stopped', since: now() }
  let socket: WhatsAppSocket | undefined
  let open = false
  let attempt = 0
  let timer: NodeJS.Timeout | undefined
  let running = false
  let waiters: { resolve: (s: WhatsAppSocket) => void; reject: (e: Error) => void }[] = []

  function setState(next: Omit<ConnectionState, 'since'>) {
    state = {
      ...next,
      since: now(),
      ...(state.lastDisconnect && !next.lastDisconnect && { lastDisconnect: state.lastDisconnect }),
    }
    deps.onChange?.(state)
  }

  function settleWaiters(error?: Error) {
    const pending = waiters
    waiters = []
    for (const waiter of pending) {
      if (error) waiter.reject(error)
      else if (socket) waiter.resolve(socket)
    }
  }

  function connect() {
    timer = undefined
    if (!running || socket) return
    setState({ status: 'connecting' })
    const sock = deps.factory(auth.state)
    socket = sock
    let pairingRequested = false
    sock.ev.on('creds.update', () => {
      auth.saveCreds().catch((error: unknown) => logger.error({ err: error }, 'WhatsApp: could not store the session'))
    })
    sock.ev.on('connection.update', (update) => {
      if (socket !== sock) return
      if (update.qr) {
        if (deps.pairingNumber && !auth.isPaired()) {
          if (!pairingRequested) {
            pairingRequested = true
            sock
              .requestPairingCode(deps.pairingNumber)
              .then((code) => {
                if (socket !== sock) return
                setState({ status: 'pairing', pairingCode: code })
                logger.warn(
                  { pairingCode: code },
                  'WhatsApp: enter this pairing code on the phone (Linked devices → Link with phone number)',
                )
              })
              .catch((error: Error) => logger.error({ err: { message: error.message } }, 'WhatsApp: pairing code refused'))
          }
        } else {
          setState({ status: 'pairing', qr: update.qr })
          logger.warn('WhatsApp: not paired; scan the QR in this terminal or on /admin/whatsapp (Linked devices → Link a device)')
        }
      }
      if (update.connection === 'open') {
        open = true
        attempt = 0
        setState({ status: 'open' })
        logger.info('WhatsApp on')
        settleWaiters()
      }
      if (update.isNewLogin) {
        Promise.resolve(deps.onPaired?.(now())).catch((error: unknown) =>
          logger.error({ err: error }, 'WhatsApp: could not record when the number was paired'),
        )
      }
      if (update.connection === 'close') {
        socket = undefined
        open = false
        if (!running) return
        const code = statusCodeOf(update.lastDisconnect?.error)
        const decision = decide(code, attempt, random(), deps.backoff ?? DEFAULT_BACKOFF)
        const lastDisconnect = { code, reason: decision.reason, at: now() }
        if (decision.action === 'reconnect') {
          attempt += 1
          setState({ status: 'reconnecting', retryAt: new Date(now().getTime() + decision.delayMs), lastDisconnect })
          logger.warn({ code, inMs: decision.delayMs }, `WhatsApp: ${decision.reason}; reconnecting`)
          timer = setTimeout(connect, decision.delayMs)
        } else if (decision.action === 'pair-again') {
          auth.clear().catch((error: unknown) => logger.error({ err: error }, 'WhatsApp: could not clear the session'))
          attempt = 0
          setState({ status: 'connecting', lastDisconnect })
          logger.error({ code }, `WhatsApp: ${decision.reason}; the session was cleared: pair the number again`)
          timer = setTimeout(connect, 0)
        } else {
          running = false
          setState({ status: decision.status, lastDisconnect })
          logger.fatal({ code }, `WhatsApp stopped: ${decision.reason}. Fix it, then restart the assistant.`)
          settleWaiters(new Error(`WhatsApp stopped: ${decision.reason}`))
        }
      }
    })
    deps.onSocket(sock)
  }

  return {
    start() {
      if (running) return
      running = true
      connect()
    },
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      timer = undefined
      const sock = socket
      socket = undefined
      open = false
      setState({ status: 'stopped' })
      settleWaiters(new Error('WhatsApp stopped'))
      await sock?.end(undefined)
    },
    state: () => state,
    current: () => (open ? socket : undefined),
    whenOpen(timeoutMs) {
      if (open && socket) return Promise.resolve(socket)
      if (!running) return Promise.reject(new Error('WhatsApp is not running'))
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: (s: WhatsAppSocket) => {
            clearTimeout(limit)
            resolve(s)
          },
          reject: (e: Error) => {
            clearTimeout(limit)
            reject(e)
          },
        }
        const limit = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter)
          reject(new Error('WhatsApp not connected'))
        }, timeoutMs)
        waiters.push(waiter)
      })
    },
  }
}
