/**
 * Whether a chat message is written in English (issue 22): a chat that speaks Indonesian is then
 * offered the switch to English. Messages are short and informal, and general language guessers do
 * poorly on them: measured on the examples of test/core/english.test.ts, franc-min found 11 of 26
 * English messages, tinyld 21 with 6 of 45 Indonesian or regional ones called English ("pengingat
 * off in aja", "info training bulan depan"), eld all 26 with 11 false ("stop reminder bimtek",
 * "requirements nya apa aja kak"). This counts words instead: English function and question words
 * and some English words of this domain, against Indonesian and regional words. Loanwords
 * Indonesians use every day (online, link, zoom, status, ok, admin, please, thanks…) count for
 * neither, so an Indonesian message full of them is never English.
 */

/**
 * English words that Indonesian, Javanese, Sundanese, Minang or eastern Malay messages do not use
 * as words of their own. Left out on purpose: `a` (Sundanese "a", "a.n."), `to` (Javanese "piye
 * to"), `so` (Manado "so" = sudah), `no` ("no hp"), `he` (Javanese "he'e"), `may` (Mei), `up`
 * ("follow up"), `all` ("pagi all"), `ya`.
 */
const ENGLISH = new Set(
  // Questions, auxiliaries, pronouns, prepositions and other function words.
  (
    'how hows what whats when whens where wheres why who whos whom whose which whichever is isnt are arent ' +
    'am was wasnt were werent do does doesnt did didnt dont doing can cant cannot could couldnt would ' +
    'wouldnt should shouldnt will wont shall might must have has hasnt havent had having be been being get ' +
    'got gets getting i im ive ill me my mine myself you youre youve your yours we our ours they them their ' +
    'theirs she her hers him his it its this that these those there theres here the an of in at for with ' +
    'from by about into after before during until since than then and or but if not any anything anyone ' +
    'anybody anymore some something someone somebody everyone everything nothing every again just also only ' +
    'very much many more most still yet already ever never because whether while as out over without between ' +
    'through around across want wants wanted need needs needed know knows tell let lets say said see look ' +
    'looking checking find found take make made give use used able like sure right other another last first same ' +
    'own such each both too enough back later soon now exactly actually usually really kindly possible way ' +
    'thing things happen happens happened mean means meaning keep kept forgot forget remember try trying ' +
    'sending waiting working coming going asking missing doing ' +
    // People and places, as people asking about a service say them.
    'talk speak real person people human someone staff office city province region regional centre center ' +
    'near nearest closest far live work works job anyone colleague mother father sister brother husband wife ' +
    'friend student students graduate graduates volunteer volunteers employer employers ' +
    // Words of this domain that Indonesians write in Indonesian (sertifikat, daftar, biaya, jadwal…).
    'register registered registering certificate certificates certified document documents required ' +
    'requirement requirements apply applied schedule scheduled exam exams cost costs fee fees pay ' +
    'paid payment expire expires expiry lost stolen damaged renew renewal worker workers social welfare ' +
    'delete erase remove removed remind send sent show cancelled participant participants attend join result ' +
    'results passed pass fail failed competent assessor month week day today tomorrow yesterday long number ' +
    'name phone wrong correct change changed fix forgot upcoming date dates interview session sessions ' +
    'verify verified genuine authentic fake covers cover connect personal export turn seat spot'
  ).split(' '),
)

/** English word endings no Indonesian or regional word has: registration, usually, assessment. */
const ENGLISH_SHAPE = /^\p{L}{2,}(?:tions?|ments?|\p{L}ly)$/u

/** Loanwords Indonesians use as their own: they never make a message English. */
const LOANWORDS = new Set(
  (
    'please pls plz thanks thank thx sorry ok okay oke online offline on off link zoom status update info admin ' +
    'stop cancel check list code time reminder reminders expired step steps download upload email hi hello dear ' +
    'good bro sis yes no data free training next'
  ).split(' '),
)

/**
 * Indonesian and regional words (Javanese, Sundanese, Minang, Betawi, Manado and Papuan Malay) that
 * an English sentence does not contain.
 */
const NOT_ENGLISH = new Set(
  (
    'yang yg apa apakah apaan saya sy aku aq ak gue gw gua kamu km anda lu lo elu kita kami mau mo ingin pengen ' +
    'pingin gimana bagaimana gmn gmna bgmn gimn cara caranya kapan kpn dimana mana berapa brp brapa ada ad ' +
    'tidak tdk gak ga gk nggak enggak ngga engga g belum blm sudah udah udh sdh dah bisa bs bisakah dan dgn ' +
    'dengan untuk utk buat dari ke di ini itu nya dong donk ya yah sih deh kah min mimin kak ka pak bu bapak ' +
    'ibu mas mbak mba tolong tlg mohon minta izin ijin terima kasih makasih daftar mendaftar pendaftaran ' +
    'sertifikat sertif sertifikasi jadwal syarat biaya harus perlu lagi lg juga jg kalau kalo klo kl atau ' +
    'tapi tp sama sm punya kenapa knp siapa ikut aja saja boleh bole gak nih tuh kok koq jadi jd sampai ' +
    'sampe trus terus masih msh baru lama berlaku hilang rusak ujian hasil lulus cek nomor nama ' +
    'tanggal bulan minggu hari besok kemarin sekarang skrg bagaimanakah apa2 dapat dapet dpt bikin ' +
    // Javanese
    'piye pripun carane melu opo aku kulo kula sampeyan njenengan panjenengan arep ajeng iso saget ora ' +
    'mboten durung dereng wis uwis wes sampun sing ingkang karo kaliyan nang neng teng endi pundi ' +
    'badhe nyuwun matur nuwun suwun yo lho tho po pora kok ki kuwi niki meniko iki piro pinten ' +
    // Sundanese
    'kumaha abdi naon teu henteu atuh mah teh bade hoyong iraha dimana kamana sabaraha tiasa tos parantos ' +
    'acan nu jeung sareng ka ti hatur nuhun punten mangga ' +
    // Minang
    'ambo awak indak alah lah lai baa bana kini sia apo dima bilo bara ko ciek urang ' +
    // Manado, Ambon and Papuan Malay
    'sa ko dia de pu pi su tra trada tarada beta katong pung seng ngana torang nyanda ' +
    'bekeng kase kasi kitong tong pe kwa ale iye ' +
    // Javanese, Betawi, Balinese and Minang, more
    'kowe wae lan saka menyang gelem isa kudu aye ente kagak nape ame tiang nggih ndak ado den penting sering'
  ).split(' '),
)

/**
 * The words of `text`, lower case, apostrophes dropped so contractions become one word ("I'm" →
 * "im", "don't" → "dont"); digits and punctuation separate words.
 */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .split(/[^\p{L}]+/u)
    .filter(Boolean)
}

/** Indonesian word shapes: "-nya" ("linknya", "zoomnya") and "-kan"/"-in" verbs ("daftarkan", "daftarin"). */
const INDONESIAN_SHAPE = /^(?:\p{L}{3,}nya|\p{L}{4,}kan|\p{L}{2,}(?:[^aeiou]|[iu])in)$/u

/** How a message's words split: English, Indonesian or regional, loanwords, and all of them. */
export type EnglishCount = { english: number; notEnglish: number; loanwords: number; words: number }

/** The English, the Indonesian or regional and the loanwords of a message (each occurrence counts). */
export function countEnglish(text: string): EnglishCount {
  const count: EnglishCount = { english: 0, notEnglish: 0, loanwords: 0, words: 0 }
  const all = words(text)
  const borrowed = borrowedPhrases(all)
  for (const [i, word] of all.entries()) {
    count.words++
    if (borrowed.has(i)) {
      count.loanwords++
      continue
    }
    if (NOT_ENGLISH.has(word)) count.notEnglish++
    else if (LOANWORDS.has(word)) count.loanwords++
    else if (ENGLISH.has(word) || ENGLISH_SHAPE.test(word)) count.english++
    else if (INDONESIAN_SHAPE.test(word) && !ENGLISH_IN.has(word)) count.notEnglish++
  }
  return count
}

/** English phrases Indonesians chat with as they are: "thank you min", "noted with thanks", "btw" said in full. */
const LOAN_PHRASES = [
  'thank you',
  'thank you so much',
  'see you',
  'i see',
  'me too',
  'good job',
  'well done',
  'by the way',
  'for your information',
  'on the way',
  'noted with thanks',
  'no problem',
  'never mind',
  'take care',
  'of course',
].map((phrase) => phrase.split(' '))

/** The positions of the words of `all` that belong to a borrowed phrase. */
function borrowedPhrases(all: string[]): Set<number> {
  const borrowed = new Set<number>()
  for (const phrase of LOAN_PHRASES) {
    for (let i = 0; i + phrase.length <= all.length; i++) {
      if (phrase.every((word, j) => all[i + j] === word)) for (let j = 0; j < phrase.length; j++) borrowed.add(i + j)
    }
  }
  return borrowed
}

/** English words that end like an Indonesian "-in" verb ("daftarin", "cariin"). */
const ENGLISH_IN = new Set('login logout begin within again checkin signin plugin admin margin origin join ruin'.split(' '))

/**
 * Whether `text` is written in English. Loanwords say nothing either way; of the other words, at
 * least a third are English and more than twice as many as the Indonesian or regional ones. A
 * message mixing the two ("gimana cara register for the exam") is not: its writer reads
 * Indonesian. Two or three words with one English word and nothing else to go by ("stop the
 * reminders", "my data") are English; a single word never is ("certificate?"), nor a phrase
 * Indonesians borrow whole ("thank you", "noted with thanks", "good job").
 */
export function isEnglish(text: string): boolean {
  const { english, notEnglish, loanwords, words } = countEnglish(text)
  const telling = words - loanwords
  if (english >= 2) return english * 3 >= telling && english > notEnglish * 2
  return english === 1 && notEnglish === 0 && words >= 2 && telling <= 2
}
