/** Thanks, "ok", laughter and goodbyes: answered briefly instead of with a wrong FAQ answer. */
import type { Text } from '../types.js'
import { cleanText } from './normalize.js'

export type SmallTalk = 'thanks' | 'ack' | 'laugh' | 'bye' | 'howareyou' | 'chitchat'

const KINDS: Record<SmallTalk, string[]> = {
  thanks: [
    'makasih',
    'makasi',
    'mksh',
    'mks',
    'trims',
    'trimakasih',
    'terimakasih',
    'terima',
    'kasih',
    'thanks',
    'thank',
    'thx',
    'tq',
    'tengkyu',
    'nuhun',
    'hatur',
    'suwun',
    'matur',
    'nuwun',
  ],
  ack: [
    'ok',
    'oke',
    'okay',
    'okey',
    'okee',
    'okeh',
    'sip',
    'siap',
    'baik',
    'baiklah',
    'mantap',
    'mantab',
    'mantul',
    'noted',
    'paham',
    'ya',
    'iya',
    'yes',
    'yoi',
    'good',
    'nice',
    'keren',
    'jelas',
    'alright',
    'oh',
    'owh',
    'oalah',
    'gitu',
    'begitu',
    'y',
  ],
  laugh: ['wkwk', 'wk', 'haha', 'hehe', 'hihi', 'xixi', 'lol', 'awokawok', 'kwkw'],
  howareyou: ['kabar', 'kabare', 'howdy'],
  // Questions to the bot about itself ("udah makan blm", "km siapa", "lagi ngapain", "bosen nih").
  chitchat: [
    'makan',
    'ngapain',
    'ngapa',
    'siapa',
    'bot',
    'robot',
    'manusia',
    'orang',
    'cowo',
    'cowok',
    'cewe',
    'cewek',
    'bosen',
    'bosan',
    'gabut',
    'jomblo',
    'tidur',
    'who',
    'human',
  ],
  bye: ['bye', 'dadah', 'dah', 'sampai', 'jumpa', 'permisi', 'pamit', 'assalamualaikum', 'wassalam', 'wassalamualaikum'],
}
const LAUGHTER = /^(?:(?:wk)+w?|(?:ha)+h?|(?:he)+h?|(?:hi)+h?|(?:xi)+|(?:kw)+k?|(?:aw?ok)+)$/
// Words that may accompany small talk without changing it ("makasih banyak ya kak").
const FILLER = new Set([
  'apa',
  'gimana',
  'gmn',
  'bagaimana',
  'piye',
  'kepriye',
  'kepriben',
  'kumaha',
  'lur',
  'dulur',
  'bro',
  'sob',
  'semuanya',
  'how',
  'are',
  'baik',
  'banyak',
  'ya',
  'kak',
  'ka',
  'min',
  'admin',
  'pak',
  'bu',
  'bang',
  'gan',
  'sis',
  'sekali',
  'bgt',
  'banget',
  'deh',
  'dong',
  'nih',
  'sih',
  'atas',
  'infonya',
  'infone',
  'informasinya',
  'jawabannya',
  'bantuannya',
  'much',
  'you',
  'so',
  'very',
  'udah',
  'sudah',
  'kalau',
  'gitu',
  'juga',
  'all',
  'semua',
  'udh',
  'sdh',
  'belum',
  'blm',
  'lagi',
  'lg',
  'kamu',
  'km',
  'kmu',
  'lu',
  'lo',
  'elu',
  'ini',
  'atau',
  'asli',
  'beneran',
  'hai',
  'halo',
  'hi',
  'hello',
  'are',
  'is',
  'this',
  'a',
])

const replies: Record<SmallTalk, Text> = {
  thanks: {
    id: 'Sama-sama! Semoga lancar sertifikasinya. Ketik "menu" bila ada yang ingin ditanyakan lagi.',
    en: 'You are welcome! Good luck with your certification. Type "menu" if you need anything else.',
  },
  ack: {
    id: 'Baik. Ketik pertanyaan Anda atau "menu" bila perlu bantuan lain.',
    en: 'All right. Type your question, or "menu" if you need anything else.',
  },
  laugh: {
    id: '😄 Ada yang bisa saya bantu seputar sertifikasi? Ketik pertanyaan Anda atau "menu".',
    en: '😄 Can I help with anything about certification? Type your question or "menu".',
  },
  howareyou: {
    id: 'Kabar baik, terima kasih! Ada yang bisa saya bantu seputar sertifikasi? Ketik pertanyaan Anda atau "menu".',
    en: 'I am fine, thank you! Can I help with anything about certification? Type your question or "menu".',
  },
  chitchat: {
    id: 'Saya asisten otomatis untuk sertifikasi SDM Kesos 🙂 Saya bisa menjawab pertanyaan seputar sertifikasi, jadwal Bimtek, status, dan verifikasi sertifikat. Ketik pertanyaan Anda, "menu", atau "petugas" untuk bicara dengan orang.',
    en: 'I am an automated assistant for SDM Kesos certification 🙂 I can answer questions about certification, Bimtek schedules, status and certificate verification. Type your question, "menu", or "petugas" to talk to a person.',
  },
  bye: {
    id: 'Terima kasih sudah menghubungi kami. Sampai jumpa! Ketik "menu" kapan saja bila perlu bantuan.',
    en: 'Thank you for getting in touch. Goodbye! Type "menu" any time you need help.',
  },
}

/** Which kind of small talk a message is, if it is only that (emoji-only messages count as "ack"). */
export function smallTalk(text: string): SmallTalk | undefined {
  const cleaned = cleanText(text)
  const words = cleaned.split(' ').filter(Boolean)
  if (words.length === 0) return /\p{Extended_Pictographic}/u.test(text) ? 'ack' : undefined
  if (words.length > 6) return undefined
  if (/^(?:hi |hello |halo )?how are (?:you|u)\b/.test(cleaned)) return 'howareyou'
  let kind: SmallTalk | undefined
  for (const word of words) {
    const found = LAUGHTER.test(word) ? 'laugh' : (Object.keys(KINDS) as SmallTalk[]).find((k) => KINDS[k].includes(word))
    if (found) kind ??= found
    else if (!FILLER.has(word)) return undefined
  }
  return kind
}

export const smallTalkReply = (kind: SmallTalk): Text => replies[kind]
