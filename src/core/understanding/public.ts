import type { Slots } from './types.js'

/** The slots as the issue names them (province regency region month mode number code); the internal codes left out. */
export function publicSlots(slots: Slots): Omit<Slots, 'provinceCode' | 'regencyCode'> {
  const { provinceCode: _p, regencyCode: _r, ...named } = slots
  return named
}
