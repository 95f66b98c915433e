/**
 * The sample file of each kind, as docs/import-formats.md shows them (test/console/imports-page.test.ts
 * checks they stay the same), for a newcomer to download from the Impor data page and try.
 */
import type { ImportKind } from '../../db/schema.js'

export const IMPORT_SAMPLES: Record<ImportKind, string> = {
  sessions:
    'code,title,target_group,region,mode,venue,map_url,meeting_url,province,starts_at,ends_at,capacity,registration_opens_at,registration_closes_at\nBMT-MKS-2027-01,Bimtek Sertifikasi Penyuluh Sosial,penyuluh sosial,R5,tatap_muka,"BBPPKS Makassar\nJl. A. P. Pettarani No. 50",https://maps.app.goo.gl/bbppks-mks,,73,2027-03-10 09:00,2027-03-11 16:00,60,2027-02-01 08:00,2027-03-01 23:59\nBMT-YOG-2027-02,Bimtek Sertifikasi Relawan Sosial (daring),relawan sosial,Yogyakarta,daring,,,https://zoom.us/j/81234567890,,2027-04-05 08:30,2027-04-06 15:00,100,2027-03-01 08:00,2027-04-01 23:59\nBMT-JPR-2027-01,Bimtek Sertifikasi Pekerja Sosial,peksos,R6,luring,"BBPPKS Jayapura, Jl. Raya Abepura",,,91,2027-05-12 09:00,2027-05-13 16:00,30,2027-04-01 08:00,2027-05-05 23:59\n',
  status:
    'nik,full_name,birth_date,phone,province,regency,profession_group,institution,stage,stage_date,due_date,note\n3273011506800001,Budi Santoso,1980-06-15,0812-3456-7890,32,Kota Bandung,pekerja sosial,Dinas Sosial Kota Bandung,terdaftar,2026-01-05,,\n3273011506800001,Budi Santoso,1980-06-15,,,,,,Seleksi administrasi,2026-02-01,,Berkas lengkap\n3273011506800001,Budi Santoso,1980-06-15,,,,,,portofolio,2026-04-20,2026-05-31,"Lengkapi bukti praktik unit 3 dan 4, lalu unggah"\n7371014708850003,Andi Nurhaliza,1985-08-07,+62 813 1111 2222,Sulawesi Selatan,Kota Makassar,TKSK,LKS Mentari,Bimtek,2026-03-10,,\n7371014708850003,Andi Nurhaliza,1985-08-07,,,,,,Belum Kompeten,2026-07-15,,Uji ulang unit 2\n',
  certificates:
    'certificate_number,holder_name,nik,birth_date,scheme,level,issued_at,expires_at,status,status_reason\nLSPS-2025-00042,Siti Rahmawati Nasution,1201015708890009,1989-08-17,Pekerja Sosial,Pekerja Sosial Generalis,2025-09-01,2028-09-01,active,\nLSPS-2015-00311,I Made Wirawan,,,Relawan Sosial,,2015-02-01,2020-02-01,active,\nLSPS/2023/00901,Hendra Gunawan,,,Pekerja Sosial,Asisten Pekerja Sosial,2023-05-02,2026-05-02,revoked,Dokumen portofolio terbukti tidak sah\nLSPS/2024/00902,Maria Fransiska Lake,,,Pekerja Sosial,,2024-01-15,2027-01-15,suspended,"Sedang dalam pemeriksaan kode etik, sampai ada keputusan"\n',
  exams:
    'exam_code,nik,kind,mode,starts_at,time_zone,venue,meeting_url,preparation,status\nUJK-BDG-2027-0001,3273011506800001,ujian kognitif,daring,2027-03-10 09:00,,,https://zoom.us/j/81234567890,"KTP asli, kartu peserta, perangkat dengan kamera",\nWWC-BDG-2027-0001,3273011506800001,wawancara,tatap_muka,2027-04-14 13:30,WIB,"BBPPKS Bandung\nJl. Jakarta No. 19",,"KTP asli, portofolio dan bukti praktik",terjadwal\nUJK-MKS-2027-0001,7371014708850003,kognitif,online,2027-03-10 09:00,WITA,,https://zoom.us/j/81234567891,"KTP asli, kartu peserta, alat tulis",\nWWC-MKS-2027-0001,7371014708850003,interview,luring,2027-04-20 09:00,,"BBPPKS Makassar, Jl. A. P. Pettarani No. 50",,,batal\n',
}

/**
 * The status sample with one mistake (a day that does not exist), to try the path "upload, read
 * the reason, fix the file, upload again, confirm".
 */
export const STATUS_SAMPLE_WITH_MISTAKE = IMPORT_SAMPLES.status.replace(
  'Seleksi administrasi,2026-02-01',
  'Seleksi administrasi,2026-02-30',
)
