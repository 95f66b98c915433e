/**
 * The notes between instances on one PostgreSQL database (`src/db/pg/instance-bus.ts`), against a
 * real server: a note reaches every other instance and not its sender, and an instance whose
 * connection the server ends listens again and hears later notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BusNote, type InstanceBus, openInstanceBus } from '../../src/db/pg/instance-bus.js'
import { until } from '../support/handoff-server.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'

let server: PostgresServer
let url: string

beforeAll(async () => {
  server = await startPostgres()
  url = await server.createDatabase()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

function instance(name: string) {
  const heard: BusNote[] = []
  const warnings: string[] = []
  const bus = openInstanceBus({
    url,
    instance: name,
    onNote: (note) => heard.push(note),
    log: { warn: (_fields, message) => warnings.push(message) },
  })
  return { bus, heard, warnings }
}

/** Publishes until `listener` heard something: the first LISTEN may still be on its way. */
async function publishUntilHeard(bus: InstanceBus, note: BusNote, listener: { heard: BusNote[] }) {
  await until(
    () => {
      if (listener.heard.length > 0) return true
      bus.publish(note)
      return false
    },
    'a note heard',
    10_000,
  )
}

describe('the instance bus', () => {
  it('hands a note to the other instances, not back to its sender', async () => {
    const a = instance('a')
    const b = instance('b')
    const c = instance('c')
    await publishUntilHeard(a.bus, { topic: 'outbox' }, b)
    await until(() => c.heard.length > 0, 'the third instance hearing it', 5_000)
    b.heard.length = 0
    c.heard.length = 0
    a.bus.publish({ topic: 'whatsapp', state: { status: 'open' } })
    await until(() => b.heard.length > 0 && c.heard.length > 0, 'both others hearing it', 5_000)
    expect(b.heard).toEqual([{ topic: 'whatsapp', state: { status: 'open' } }])
    expect(c.heard).toEqual([{ topic: 'whatsapp', state: { status: 'open' } }])
    // Its own notes are not handed back to the sender.
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(a.heard.filter((note) => note.topic === 'whatsapp')).toEqual([])
    await Promise.all([a.bus.close(), b.bus.close(), c.bus.close()])
  })

  it('listens again after the server ended its connection', async () => {
    const a = instance('a2')
    const b = instance('b2')
    await publishUntilHeard(a.bus, { topic: 'outbox' }, b)
    await psql(url, "select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'kesos-assistant bus%'")
    await until(() => b.warnings.includes('instance bus: connection lost, listening again shortly'), 'the loss noticed', 5_000)
    b.heard.length = 0
    await publishUntilHeard(a.bus, { topic: 'outbox' }, b)
    expect(b.heard[0]).toEqual({ topic: 'outbox' })
    await Promise.all([a.bus.close(), b.bus.close()])
  })
})
