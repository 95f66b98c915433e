/**
 * The conversations every channel must hold the same way, played through the real Telegram
 * adapter against the fake Bot API, once with updates arriving by webhook and once by long polling.
 */
import { describe, onTestFinished } from 'vitest'
import { startFakeTelegram } from '../support/fake-telegram.js'
import { type TelegramDriverMode, telegramDriver } from '../support/telegram-driver.js'
import { playEveryTranscript } from '../support/transcript-suite.js'

const MODES: TelegramDriverMode[] = ['webhook', 'polling']

describe.each(MODES)('Telegram (%s)', (mode) => {
  playEveryTranscript('the Telegram adapter', async (core) => {
    const fake = await startFakeTelegram()
    onTestFinished(() => fake.close())
    const driver = await telegramDriver({ mode, fake, engine: core.engine, db: core.db })
    onTestFinished(() => driver.stop())
    return driver
  })
})
