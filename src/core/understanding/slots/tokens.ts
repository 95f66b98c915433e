import { placeKey } from '../../places/gazetteer.js'

/** The message as lower-case words of letters and digits, the one tokenisation every slot extractor shares. */
export function tokensOf(text: string): string[] {
  const key = placeKey(text)
  return key === '' ? [] : key.split(' ')
}
