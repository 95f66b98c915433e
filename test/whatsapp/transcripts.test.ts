/**
 * The conversations every channel must hold the same way, played through the real WhatsApp
 * adapter over a fake Baileys socket: options come as numbered lines and are chosen by number.
 */
import { onTestFinished } from 'vitest'
import { playEveryTranscript } from '../support/transcript-suite.js'
import { whatsappDriver } from '../support/whatsapp-driver.js'

playEveryTranscript('the WhatsApp adapter', async (core) => {
  const driver = await whatsappDriver({ engine: core.engine, db: core.db })
  onTestFinished(() => driver.stop())
  return driver
})
