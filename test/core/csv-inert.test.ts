import { describe, expect, it } from 'vitest'
import { inert } from '../../src/core/text/csv.js'

describe('cells opened in a spreadsheet', () => {
  it('a cell that would run as a formula gets an apostrophe, also behind spaces; ordinary text is kept', () => {
    expect(inert('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`)
    expect(inert('  =1+1')).toBe(`'  =1+1`)
    expect(inert('+62 812')).toBe(`'+62 812`)
    expect(inert('@SUM(A1)')).toBe(`'@SUM(A1)`)
    expect(inert('Rina Wulandari')).toBe('Rina Wulandari')
    expect(inert('Jl. Merdeka = 5')).toBe('Jl. Merdeka = 5')
    expect(inert(null)).toBeNull()
  })
})
