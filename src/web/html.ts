/**
 * HTML from template literals, escaped by default: `html\`<p>${text}</p>\`` escapes `text` (& < > " ')
 * unless it is already markup (`Html`, what `html` returns). Arrays are joined; false, null and
 * undefined render nothing, so `${cond && html\`…\`}` works as in JSX. A newline in the template
 * and the indentation after it are dropped, so markup can be laid out on several lines without
 * adding whitespace to the page. Plain string building: no element tree, no promise, no context.
 */

/** Markup that is safe as it is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

export type Markup = Html | string | number | boolean | null | undefined | readonly Markup[]

const SPECIAL = /[&<>"']/

/** The same escaping as hono/jsx: & < > " ' (text and attribute values alike). */
export function escapeHtml(text: string): string {
  const first = text.search(SPECIAL)
  if (first === -1) return text
  let out = ''
  let last = 0
  for (let i = first; i < text.length; i++) {
    let entity: string
    switch (text.charCodeAt(i)) {
      case 34:
        entity = '&quot;'
        break
      case 38:
        entity = '&amp;'
        break
      case 39:
        entity = '&#39;'
        break
      case 60:
        entity = '&lt;'
        break
      case 62:
        entity = '&gt;'
        break
      default:
        continue
    }
    out += text.slice(last, i) + entity
    last = i + 1
  }
  return out + text.slice(last)
}

/** Markup as a string: `Html` as it is, text escaped, arrays joined, false, null and undefined as nothing. */
export function renderMarkup(part: Markup): string {
  if (part instanceof Html) return part.value
  if (typeof part === 'string') return escapeHtml(part)
  if (typeof part === 'number') return String(part)
  if (part === null || part === undefined || typeof part === 'boolean') return ''
  let out = ''
  for (const item of part) out += renderMarkup(item)
  return out
}

// Each template's literal parts without their layout, worked out once per template.
const layouts = new WeakMap<TemplateStringsArray, readonly string[]>()

export function html(strings: TemplateStringsArray, ...parts: Markup[]): Html {
  let literal = layouts.get(strings)
  if (!literal) {
    literal = strings.map((text) => text.replace(/\n[ \t]*/g, ''))
    layouts.set(strings, literal)
  }
  let out = literal[0] ?? ''
  for (let i = 0; i < parts.length; i++) out += renderMarkup(parts[i]) + (literal[i + 1] ?? '')
  return new Html(out)
}
