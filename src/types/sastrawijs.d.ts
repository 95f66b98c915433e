/** sastrawijs ships types its package.json "exports" does not point to; this is the part we use. */
declare module 'sastrawijs' {
  export class Stemmer {
    constructor(dictionary?: string[])
    stem(word: string): string
  }
}
