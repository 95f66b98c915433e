/**
 * The words people type for months and days, one list per concept for every place that reads a date: the
 * date a flow asks for (src/core/validators/date.ts), the understanding step's month slot
 * (src/core/understanding/slots/dates.ts) and the words after HADIR. Indonesian, English and the regional
 * languages the workforce mixes in (jv Javanese, su Sundanese, min Minangkabau, bew Betawi, bjn Banjar,
 * pap/amb Papuan and Ambonese Malay). Words are as the readers see them: lower case, accents dropped
 * ("Séptémber", "Désémber" → "september", "desember").
 */

/** Month names, safe wherever they stand. Javanese and Sundanese spell the same names, some with accents. */
export const MONTH_NAMES: Readonly<Record<string, number>> = {
  januari: 1, // id, jv, su
  january: 1, // en
  februari: 2, // id; jv/su "Fébruari"
  pebruari: 2, // old id; jv, su
  february: 2, // en
  maret: 3, // id, jv, su
  march: 3, // en
  april: 4, // id, en, jv, su
  mei: 5, // id; jv/su "Méi"
  juni: 6, // id, jv, su
  june: 6, // en
  juli: 7, // id, jv, su
  july: 7, // en
  agustus: 8, // id, jv, su
  august: 8, // en
  september: 9, // id, en; jv/su "Séptémber"
  oktober: 10, // id; jv/su "Oktobér"
  october: 10, // en
  november: 11, // id, en
  nopember: 11, // old id; jv/su "Nopémber"
  desember: 12, // id; su "Désémber"
  dhesember: 12, // jv "Dhésèmber"
  december: 12, // en
}

/** Short forms that are no everyday word, safe wherever they stand. */
export const MONTH_SHORT: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  peb: 2,
  agu: 8,
  agt: 8,
  ags: 8,
  agst: 8,
  aug: 8,
  sept: 9,
  okt: 10,
  oct: 10,
  nov: 11,
  nop: 11,
  dec: 12,
}

/** Short forms that are also everyday words ("may", "mar", "des", "jun"): a month only where a date is written or a month is said. */
export const MONTH_SHORT_IN_CONTEXT: Readonly<Record<string, number>> = {
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  sep: 9,
  des: 12,
}

/** Short forms read only inside a written date ("17 Agus 1990"): elsewhere "Agus" is a name, "MRT" a train. */
export const MONTH_SHORT_IN_DATES: Readonly<Record<string, number>> = { febr: 2, mrt: 3, agus: 8 }

/** Weekdays, 1 = Monday … 6 = Saturday ("minggu" is also "week": each reader decides about Sunday). */
export const WEEKDAYS: Readonly<Record<string, number>> = {
  senin: 1, // id
  senen: 1, // jv, su "Senén"
  selasa: 2, // id, jv
  slasa: 2, // jv
  salasa: 2, // su, min
  rabu: 3, // id
  rebo: 3, // jv, su
  kamis: 4, // id
  kemis: 4, // jv, su
  jumat: 5, // id
  jemuwah: 5, // jv
  jumaah: 5, // su
  sabtu: 6, // id
  setu: 6, // jv
  saptu: 6, // su
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
}

/** Tomorrow. */
export const TOMORROW: ReadonlySet<string> = new Set([
  'besok', // id, bew
  'bsk', // as typed everywhere, pap/amb
  'bsok',
  'tomorrow', // en
  'tmrw',
  'sesuk', // jv ngoko
  'sesok', // jv ngoko
  'mbenjing', // jv krama
  'benjing', // jv krama
  'isukan', // su
  'bisuak', // min
])

/**
 * Tomorrow or the morning, by language: su "énjing" and bjn "isuk" are tomorrow, jv "enjing" and jv/su "isuk"
 * are the morning. Read as tomorrow when they stand alone; "enjing niki", "isuk iki" (this morning) are today,
 * and after a day ("sesuk enjing", "senin isuk") the day decides.
 */
export const TOMORROW_OR_MORNING: ReadonlySet<string> = new Set(['enjing', 'isuk'])

/** The day after tomorrow. */
export const DAY_AFTER_TOMORROW: ReadonlySet<string> = new Set([
  'lusa', // id, min, bew
  'mben', // jv (also "saben", every, before a day: "mben dino")
  'emben', // jv
  'pageto', // su
])
