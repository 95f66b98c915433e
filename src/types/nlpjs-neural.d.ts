/** The part of @nlpjs/neural (which ships no types) that the FAQ classifier uses. */
declare module '@nlpjs/neural' {
  export type Features = Record<string, number>
  export type Sample = { input: Features; output: Record<string, number> }
  export type NeuralSettings = { iterations?: number; learningRate?: number; momentum?: number; alpha?: number; log?: boolean }
  export class NeuralNetwork {
    constructor(settings?: NeuralSettings)
    /** The settings given, with the defaults filled in. */
    settings: Record<string, unknown>
    train(corpus: Sample[]): { iterations: number; error: number }
    run(input: Features): Record<string, number> | undefined
    /** The trained weights (features, intents, one row of weights and a bias per intent). */
    toJSON(): unknown
    fromJSON(json: unknown): void
  }
}
