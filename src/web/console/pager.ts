/**
 * The paging of the console's lists: "‹ Sebelumnya · Halaman n dari m · Berikutnya ›" (nothing for
 * a single page), and the query string a list's links carry (its filters, and the page past the first).
 */
import { Html, html } from '../html.js'

const number = (n: number) => n.toLocaleString('id-ID')

/** The query string of `query`'s non-empty values, with `page` when past the first. */
export function queryString(query: Readonly<Record<string, string>>, page?: number): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value)
  if (page !== undefined && page > 1) params.set('page', String(page))
  return params.toString()
}

/** The links to the page before and after `page` of `pages`; `href` makes a page's address; `label` names the list. */
export function pager(label: string, page: number, pages: number, href: (page: number) => string): Html {
  if (pages <= 1) return new Html('')
  return html`<nav class="pager" aria-label="${label}">
${page > 1 && html`<a href="${href(page - 1)}" rel="prev">‹ Sebelumnya</a>`}
<span>Halaman ${number(page)} dari ${number(pages)}</span>
${page < pages && html`<a href="${href(page + 1)}" rel="next">Berikutnya ›</a>`}</nav>`
}
