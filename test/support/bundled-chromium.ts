/**
 * The Chromium that the npm package @sparticuz/chromium ships (x64 Linux, brotli-compressed), with
 * the NSS and expat libraries and the fonts packed beside it: unpacked once per installed version
 * into node_modules/.cache, so that the page tests need nothing on the machine beyond `npm ci`.
 */
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { createBrotliDecompress } from 'node:zlib'

/** Where the browser is, and what its process needs in the environment. */
export type Chromium = { executablePath: string; env: Record<string, string> }

export const INSTALL_HINT = 'set CHROMIUM_PATH to a Chromium of your own'

export async function bundledChromium(): Promise<Chromium> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The Chromium of @sparticuz/chromium runs on x64 Linux only, not ${process.platform}-${process.arch}: ${INSTALL_HINT}.`,
    )
  }
  const packageDir = locatePackage()
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }
  const dir = join(packageDir, '..', '..', '.cache', `sparticuz-chromium-${version}`)
  if (!existsSync(dir)) await unpack(join(packageDir, 'bin'), dir)
  return {
    executablePath: join(dir, 'chromium'),
    env: {
      // The packed libraries come first, so a machine without NSS (a slim container) runs it too.
      LD_LIBRARY_PATH: [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      // Only the packed fonts: text is laid out alike on every machine, with or without fonts of its own.
      FONTCONFIG_PATH: dir,
    },
  }
}

function locatePackage(): string {
  try {
    // …/node_modules/@sparticuz/chromium/build/index.js
    return dirname(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')))
  } catch (error) {
    throw new Error(
      'The browser of the page tests comes from the npm package @sparticuz/chromium, which is missing: run `npm ci`.',
      {
        cause: error,
      },
    )
  }
}

/**
 * Unpacks into a folder of this process's own, renamed into place once complete: test files run in
 * parallel processes, and none may start a half-written browser. Two files starting on a cold cache
 * both unpack (a few seconds, once); the first rename wins and the other copy is dropped.
 */
async function unpack(bin: string, dir: string) {
  const staging = `${dir}.${process.pid}.tmp`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  await pipeline(
    createReadStream(join(bin, 'chromium.br')),
    createBrotliDecompress(),
    createWriteStream(join(staging, 'chromium'), { mode: 0o755 }),
  )
  await untar(join(bin, 'al2023.tar.br'), staging) // lib/: NSS, NSPR, expat
  await untar(join(bin, 'fonts.tar.br'), staging) // fonts/Open_Sans, and a fonts.conf for Lambda's folders
  await writeFile(
    join(staging, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`,
  )
  try {
    await rename(staging, dir)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (!existsSync(dir)) throw error
  }
}

/** Through a file: tar may stop reading at the end-of-archive mark and break a pipe into it. */
async function untar(archive: string, into: string) {
  const file = join(into, 'archive.tar')
  await pipeline(createReadStream(archive), createBrotliDecompress(), createWriteStream(file))
  await promisify(execFile)('tar', ['-x', '--no-same-owner', '-f', file, '-C', into])
  await rm(file)
}
