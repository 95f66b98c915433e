/** The certification path, in order (see shared domain notes): the schema's stages and an announcement's audience. */
export const CERTIFICATION_STAGES = [
  'terdaftar',
  'seleksi_administrasi',
  'bimtek',
  'ujian_kognitif',
  'portofolio',
  'wawancara',
  'kompeten',
  'belum_kompeten',
  'sertifikat_terbit',
  'kedaluwarsa',
] as const
export type CertificationStage = (typeof CERTIFICATION_STAGES)[number]
