/** FAQ conversations, in both languages, for every channel's driver (see core.ts). */
import type { Transcript } from '../support/transcript.js'
import { MENU_EN, MENU_ID } from './core.js'

export const FAQ_TRANSCRIPTS: Record<string, Transcript> = {
  'a confident answer, with its follow-ups': [
    {
      user: 'syarat ikut sertifikasi apa aja min??',
      bot: ['*Syarat dan dokumen*', 'KTP'],
      options: ['Jalur pendidikan', 'Alur sertifikasi', 'Bicara dengan petugas'],
    },
    { user: '2', bot: ['*Alur sertifikasi'] },
  ],

  'after an answer, a main-menu number still means the menu entry': [
    { user: 'syarat ikut sertifikasi apa aja', bot: ['*Syarat dan dokumen*'] },
    { user: '6', bot: ['Saya akan menghubungkan Anda dengan petugas', 'Langkah 1 dari 5'] },
  ],

  'an answer says which word to type, and that word works even with follow-ups on screen': [
    {
      user: 'brp biaya sertifikasi',
      bot: ['*Biaya sertifikasi*', 'mengetik *petugas*'],
      options: ['Bicara dengan petugas', 'Situs pendaftaran resmi'],
    },
    { user: 'petugas', bot: ['Saya akan menghubungkan Anda dengan petugas', 'Langkah 1 dari 5'] },
  ],

  'slang and typos still find the topic': [
    { user: 'sertif sy ilang gmn dong', bot: ['*Sertifikat hilang atau rusak*'] },
    { user: 'brp biayanya utk sertifkasi', bot: ['*Biaya sertifikasi*', 'resmi'] },
  ],

  'an unsure question gets "Maksud Anda" choices': [
    {
      user: 'sertifikat?',
      bot: ['Maksud Anda:'],
      // The action that serves the question comes first (issue 20); the FAQ's best topics follow.
      options: [
        'Cek nomor sertifikat sekarang',
        'Verifikasi keaslian sertifikat',
        'Sertifikat hilang atau rusak',
        'Bukan, tanya petugas',
      ],
    },
    { tap: 'Sertifikat hilang atau rusak', bot: ['*Sertifikat hilang atau rusak*'] },
  ],

  'nothing fits: what the bot can do, the menu and a person': [
    { user: 'xyz qwerty', bot: ['Maaf, saya belum punya jawaban', 'pilih 6'], options: MENU_ID },
    { user: '6', bot: ['Langkah 1 dari 5'] },
  ],

  'a known out-of-scope question says where to go instead': [
    { user: 'bansos tahap 3 kapan cair ya', bot: ['bukan layanan asisten ini', 'Dinas Sosial'], options: MENU_ID },
  ],

  'small talk gets a short friendly reply, not an FAQ answer': [
    { user: 'makasih banyak kak', bot: ['Sama-sama'], not: ['*'] },
    { user: 'ok sip', bot: ['Baik.'] },
    { user: 'wkwkwk', bot: ['😄'] },
    { user: 'udh makan blm', bot: ['Saya asisten otomatis', '"petugas"'], not: ['*'] },
  ],

  'Javanese, Sundanese and chat shorthand still find the answer': [
    { user: 'sabaraha biaya sertifikasi', bot: ['*Biaya sertifikasi*'] },
    { user: 'dftr bimtk gmn', bot: ['*Cara daftar Bimtek*'] },
  ],

  'a follow-up leads into a flow': [
    {
      user: 'gmn cara hubungi petugas',
      bot: ['*Menghubungi petugas/sekretariat*'],
      options: ['Bicara dengan petugas', 'BBPPKS regional'],
    },
    { user: '1', bot: ['Saya akan menghubungkan Anda dengan petugas', 'Langkah 1 dari 5'] },
  ],

  'menu 1 lists topics by group': [
    {
      user: '1',
      bot: ['Pilih kelompok topik'],
      options: [
        'Dasar sertifikasi',
        'Alur & persyaratan',
        'Bimtek & uji kompetensi',
        'Hasil & setelah sertifikasi',
        'Layanan chat ini',
        'Kelompok pekerja sosial',
      ],
    },
    { user: '2', bot: ['Topik tentang Alur & persyaratan'] },
    { tap: 'Biaya sertifikasi', bot: ['*Biaya sertifikasi*'] },
  ],

  'a question in English from a chat that speaks Indonesian: the Indonesian answer, and once the offer to switch': [
    {
      user: 'how much does it cost',
      bot: ['Reply *english* to get answers in English.', '*Biaya sertifikasi*'],
      options: ['Bicara dengan petugas', 'Situs pendaftaran resmi'],
    },
    { user: 'what are the requirements', bot: ['*Syarat dan dokumen*'], not: ['Reply *english*'] },
    { user: 'english', bot: ['OK, I will reply in English'] },
    { user: 'how much does it cost', bot: ['*Cost of certification*'], not: ['Reply *english*'] },
  ],

  'the same in English': [
    { user: 'english', bot: ['English'] },
    {
      user: 'what are the requirements for certification',
      bot: ['*Requirements and documents*', 'KTP'],
      options: ['Education route', 'Certification steps', 'Talk to staff'],
    },
    {
      user: 'the certificate?',
      bot: ['Did you mean:'],
      options: [
        'Check certificate number now',
        'Verify a certificate',
        'Lost or damaged certificate',
        'Validity and re-certification',
        'None of these, ask staff',
      ],
    },
    { user: 'thanks', bot: ['You are welcome'] },
    { user: 'what is the weather tomorrow', bot: ['Sorry, I can only help with SDM Kesos certification'], options: MENU_EN },
  ],
}
