/** An expected failure carries a stable code and the values needed to explain it. */
export type Failure<C extends string = string> = {
  code: C
  params?: Record<string, string | number>
}

/** Typed result for expected failures; exceptions stay for bugs and broken infrastructure. */
export type Result<T, C extends string = string> = { ok: true; value: T } | { ok: false; error: Failure<C> }

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })

export const fail = <C extends string>(code: C, params?: Failure<C>['params']): { ok: false; error: Failure<C> } => ({
  ok: false,
  error: params ? { code, params } : { code },
})
