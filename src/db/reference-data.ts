/** The six BBPPKS regional centres, loaded into an empty database as editable reference data. */
import { count } from 'drizzle-orm'
import type { Db } from './client.js'
import { regions } from './schema.js'

// Numbering and the province split (Bali, Nusa Tenggara, Maluku) are unconfirmed: staff edit the rows.
export const BBPPKS_REGIONS = [
  {
    code: 'R1',
    name: 'BBPPKS Regional I Sumatera',
    city: 'Padang',
    timeZone: 'Asia/Jakarta',
    provinceCodes: '11,12,13,14,15,16,17,18,19,21',
  },
  { code: 'R2', name: 'BBPPKS Regional II Jawa', city: 'Bandung', timeZone: 'Asia/Jakarta', provinceCodes: '31,32,36' },
  {
    code: 'R3',
    name: 'BBPPKS Regional III Yogyakarta',
    city: 'Yogyakarta',
    timeZone: 'Asia/Jakarta',
    provinceCodes: '33,34,35,51,52,53',
  },
  {
    code: 'R4',
    name: 'BBPPKS Regional IV Kalimantan',
    city: 'Banjarmasin',
    timeZone: 'Asia/Makassar',
    provinceCodes: '61,62,63,64,65',
  },
  {
    code: 'R5',
    name: 'BBPPKS Regional V Sulawesi',
    city: 'Makassar',
    timeZone: 'Asia/Makassar',
    provinceCodes: '71,72,73,74,75,76',
  },
  {
    code: 'R6',
    name: 'BBPPKS Regional VI Papua',
    city: 'Jayapura',
    timeZone: 'Asia/Jayapura',
    provinceCodes: '81,82,91,92,93,94,95,96',
  },
] as const

/** Inserts the regions when the table is empty; returns how many were added. */
export async function ensureReferenceData(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(regions)
  if ((row?.n ?? 0) > 0) return 0
  await db.insert(regions).values([...BBPPKS_REGIONS])
  return BBPPKS_REGIONS.length
}
