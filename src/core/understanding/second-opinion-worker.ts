/**
 * A worker thread that makes the understanding step's second opinion (second-opinion.ts, `prepareInBackground`): it
 * takes the examples the server has read and checked, trains or loads the five networks and sends back only their
 * weights by feature. The megabytes of JSON and features it goes through are freed with the thread.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { analyseExample, columnsFor, type WorkerInput } from './second-opinion.js'

const input = workerData as WorkerInput
const cache = input.cacheDir === undefined ? null : { dir: input.cacheDir, now: () => new Date(input.now) }
const columns = columnsFor(input.examples, analyseExample, cache)
parentPort?.postMessage(columns, [columns.rows.buffer as ArrayBuffer, columns.bias.buffer as ArrayBuffer])
