/**
 * The benchmark runner behind `npm run bench`: loads every group under bench/groups/, runs them one
 * after another and prints their metrics.
 *
 *   npm run bench                          a table on stdout
 *   npm run --silent bench -- --json       progress and table on stderr; last stdout line is JSON
 *   npm run bench -- --only core           just one group
 */
import { readdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { BenchGroup } from './group.js'

const GROUPS_DIR = new URL('./groups/', import.meta.url)

type Row = { group: string; metric: string; value: number }

function isGroup(value: unknown): value is BenchGroup {
  const group = value as Partial<BenchGroup> | undefined
  return typeof group?.name === 'string' && typeof group.description === 'string' && typeof group.run === 'function'
}

async function loadGroups(): Promise<BenchGroup[]> {
  const files = readdirSync(GROUPS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort()
  const groups: BenchGroup[] = []
  for (const file of files) {
    const { group } = (await import(new URL(file, GROUPS_DIR).href)) as { group?: unknown }
    if (!isGroup(group)) throw new Error(`bench/groups/${file} does not export a valid \`group\``)
    if (groups.some((known) => known.name === group.name)) throw new Error(`duplicate group name "${group.name}"`)
    groups.push(group)
  }
  return groups
}

function formatValue(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return value.toLocaleString('en-US', { maximumSignificantDigits: 3 })
}

function table(rows: Row[]): string {
  const cells = [['group', 'metric', 'value'], ...rows.map((row) => [row.group, row.metric, formatValue(row.value)])]
  const widths = [0, 1, 2].map((column) => Math.max(...cells.map((line) => (line[column] ?? '').length)))
  const line = (values: string[]) =>
    values.map((value, column) => (column === 2 ? value.padStart(widths[2] ?? 0) : value.padEnd(widths[column] ?? 0))).join('  ')
  const [head, ...body] = cells
  return [line(head ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n')
}

/** The command-line flags, or undefined (after saying why) when they are wrong. */
function readFlags(): { json: boolean; only?: string | undefined } | undefined {
  try {
    return parseArgs({ options: { json: { type: 'boolean', default: false }, only: { type: 'string' } } }).values
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: npm run bench -- [--json] [--only GROUP]`)
    return undefined
  }
}

async function main(): Promise<number> {
  const values = readFlags()
  if (!values) return 2
  const groups = await loadGroups()
  const names = groups.map((group) => group.name)
  const selected = values.only === undefined ? groups : groups.filter((group) => group.name === values.only)
  if (selected.length === 0) {
    console.error(`Unknown benchmark group "${values.only}". Groups: ${names.join(', ') || '(none)'}`)
    return 2
  }

  // With --json, stdout carries only the result: anything a group prints goes to stderr.
  const print = console.log
  if (values.json) console.log = console.error

  const rows: Row[] = []
  const metrics: Record<string, number> = {}
  let failed = 0
  for (const group of selected) {
    console.error(`▶ ${group.name}: ${group.description}`)
    const started = performance.now()
    try {
      const result = await group.run()
      for (const [metric, value] of Object.entries(result)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`metric ${metric} is not a finite number`)
        if (metric in metrics) throw new Error(`metric ${metric} is reported by another group too`)
      }
      for (const [metric, value] of Object.entries(result)) {
        metrics[metric] = value
        rows.push({ group: group.name, metric, value })
      }
      console.error(`✔ ${group.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    } catch (error) {
      failed += 1
      console.error(`✘ ${group.name} failed after ${((performance.now() - started) / 1000).toFixed(1)} s:`)
      console.error(error)
    }
  }

  console.log = print
  if (values.json) {
    if (rows.length > 0) console.error(`\n${table(rows)}`)
    process.stdout.write(`${JSON.stringify(metrics)}\n`)
  } else if (rows.length > 0) {
    process.stdout.write(`${table(rows)}\n`)
  }
  return failed > 0 ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  },
)
