/**
 * Time is an input: code gets the clock passed in, and only the composition roots read the real
 * one (the server, the CLI, the terminal chat, the FAQ tester; the benches live outside src). A
 * hidden real clock next to a test's fixed clock is a time bomb: the test passes until the day the
 * real date overtakes the fixed one. This guard parses every other file under src with the
 * TypeScript compiler and names each place that reads the real date: `new Date()` (no argument),
 * `Date()`, `Date.now` (called or passed on), and luxon's `DateTime.now()`, `DateTime.local()` /
 * `DateTime.utc()` without arguments. Comments and strings are not code and never count.
 *
 * `performance.now()` is allowed: it measures durations (e.g. how long something took, for a log),
 * never what day it is, so it cannot make a time bomb.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

/** The composition roots: they read the real clock once and hand it down. */
const COMPOSITION_ROOTS = new Set([
  'src/main.ts',
  'src/cli.ts',
  'src/bots/console/main.ts',
  'src/faq-cli.ts',
  'src/understand-cli.ts',
])

const isRoot = (path: string) => COMPOSITION_ROOTS.has(path)

/** Each place in `source` that reads the real clock, as "line: code". */
function realClockReads(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: string[] = []
  const named = (node: ts.Node, name: string) => ts.isIdentifier(node) && node.text === name
  const member = (node: ts.Node, object: string, property: string) =>
    ts.isPropertyAccessExpression(node) && named(node.expression, object) && node.name.text === property
  const visit = (node: ts.Node) => {
    const noArguments = (ts.isNewExpression(node) || ts.isCallExpression(node)) && (node.arguments?.length ?? 0) === 0
    const reads =
      (ts.isNewExpression(node) && named(node.expression, 'Date') && noArguments) ||
      (ts.isCallExpression(node) && named(node.expression, 'Date')) ||
      member(node, 'Date', 'now') ||
      member(node, 'DateTime', 'now') ||
      (ts.isCallExpression(node) &&
        noArguments &&
        (member(node.expression, 'DateTime', 'local') || member(node.expression, 'DateTime', 'utc')))
    if (reads) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart(file))
      found.push(`${line + 1}: ${node.getText(file)}`)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

describe('the real clock', () => {
  it('is read only by the composition roots', () => {
    const files = sourceFiles('src').filter((path) => !isRoot(path))
    // The folders the rule matters most for are really scanned (a moved src would pass vacuously).
    for (const folder of ['src/core/', 'src/db/', 'src/web/', 'src/bots/'])
      expect(files.some((path) => path.startsWith(folder))).toBe(true)
    const reads = files.flatMap((path) =>
      realClockReads(path, readFileSync(join(ROOT, path), 'utf8')).map((read) => `${path}:${read}`),
    )
    expect(reads, 'pass the clock in (a `now: () => Date` dependency) instead').toEqual([])
  })

  it('is found wherever code reads it, and not in comments or strings', () => {
    const source = [
      "// new Date() and Date.now() in a comment, and in a string: 'new Date()'",
      'const a = new Date()',
      'const b = new Date',
      'const c = Date.now()',
      'const d = options.now ?? Date.now',
      'const e = String(Date())',
      'const f = DateTime.now().toISO()',
      'const g = DateTime.local()',
      'const h = new Date(now.getTime() + 1000)',
      "const i = DateTime.local(2026, 1, 1) && DateTime.utc(2026) && new Date('2026-01-01')",
      'const j = performance.now()',
    ].join('\n')
    expect(realClockReads('sample.ts', source)).toEqual([
      '2: new Date()',
      '3: new Date',
      '4: Date.now',
      '5: Date.now',
      '6: Date()',
      '7: DateTime.now',
      '8: DateTime.local()',
    ])
  })
})
