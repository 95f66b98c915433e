/** What a benchmark group under bench/groups/ exports as `group`. */
export type BenchGroup = {
  name: string
  description: string
  /** Runs the benchmark and returns its metrics by name (names are unique across groups). */
  run(): Promise<Record<string, number>>
}
