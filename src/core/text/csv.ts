/**
 * Text people typed in a chat is opened by staff in a spreadsheet: a leading = + - @ would run as a
 * formula there (CSV injection), also after spaces some spreadsheets skip, so such a cell is
 * prefixed with an apostrophe.
 */
export const inert = (value: string | null) => (value && /^\s*[=+\-@\t\r]/.test(value) ? `'${value}` : value)
