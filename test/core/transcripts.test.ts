/** The conversations every channel must hold the same way, played through the core directly. */
import { coreDriver } from '../support/transcript.js'
import { playEveryTranscript } from '../support/transcript-suite.js'

playEveryTranscript('the core', (core) => coreDriver(core.engine, { db: core.db }))
