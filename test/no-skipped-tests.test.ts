/**
 * No test skips itself: a test that cannot run on a machine (a missing browser, a missing tool)
 * fails there, naming the command that installs what is missing, instead of passing in silence.
 * Every file under test/ is read for vitest's ways of skipping or deferring a test.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')

/**
 * `it.skip`, `describe.skipIf(…)`, `test.runIf(…)`, `it.todo`, `ctx.skip()` (a modifier or call, not
 * a string such as the CSS selector 'a.skip'), a destructured `skip()`, `xit(…)`, and `{ skip: true }`.
 */
const SKIP = /\.(skip|skipIf|runIf|todo)\b(?![\w'"-])|\bskip\(|\bx(describe|it|test)\(|[{,]\s*(skip|todo):\s*true\b/

it('no test file skips a test, on a condition or always', () => {
  const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(ROOT, 'test', file))
    .filter((file) => file !== import.meta.filename)
  expect(files.length).toBeGreaterThan(50)
  const skips = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (SKIP.test(line) ? [`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
  )
  expect(skips).toEqual([])
})
