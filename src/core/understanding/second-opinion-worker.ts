/**
 * A worker thread that makes the understanding step's second opinion (second-opinion.ts, `prepareInBackground`): it
 * reads the examples, trains or loads the five networks and sends back only their weights by feature. The megabytes
 * of JSON and features it goes through are freed with the thread, not kept by the server.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { analyseExample, columnsFor, faqExamples, loadExamples, type WorkerInput } from './second-opinion.js'

const input = workerData as WorkerInput
const examples = [...loadExamples(input.dir), ...(input.faqQuestions ? faqExamples(input.faqQuestions) : [])]
const cache = input.cacheDir === undefined ? null : { dir: input.cacheDir, now: () => new Date(input.now) }
const columns = columnsFor(examples, analyseExample, cache)
parentPort?.postMessage(columns, [columns.rows.buffer as ArrayBuffer, columns.bias.buffer as ArrayBuffer])
