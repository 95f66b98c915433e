/**
 * While the server starts, V8's young generation keeps its initial size (imported first by
 * server.ts, before any other module is loaded).
 *
 * Start-up allocates much that lives as long as the process (compiled modules, the FAQ index,
 * Baileys' protobuf classes). V8 takes that high survival rate as a reason to grow the young
 * generation, up to 2 × 16 MB, and those pages stay resident while the server idles: 15–30 MB held
 * for nothing. `startupDone()` gives V8 its usual growth back (factor 2, V8's default), so a busy
 * server still gets a large young generation. V8 reads the flag each time it considers growing, so
 * setting it at run time takes effect (the startup bench measures it).
 */
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--semi-space-growth-factor=1')

/** From now on V8 sizes the young generation as usual. */
export function startupDone(): void {
  setFlagsFromString('--semi-space-growth-factor=2')
}
