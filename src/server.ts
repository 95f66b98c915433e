/**
 * The server's entry point, as deployed: `node dist/server.js` (`npm start` builds, then runs it).
 * It keeps V8's young generation small while the server starts (startup-heap.ts), then hands over
 * to the composition root, main.ts.
 */
import { startupDone } from './startup-heap.js'

// Loaded only now, so that every module of the server is compiled with the flag already set.
const { started } = await import('./main.js')
await started
startupDone()
