/**
 * The FAQ in the chat: free text outside a flow is matched against the knowledge base; menu 1
 * lists topics by group; an answer offers its follow-ups (other topics, or menu entries that
 * start a flow); unsure matches offer "Maksud Anda:" choices; small talk gets a short reply.
 */
import { menuChoices } from '../menu.js'
import { fill, t } from '../messages.js'
import type { Outcome, TurnContext, UserInput } from '../turn.js'
import type { Choice, Language, Reply, Text } from '../types.js'
import type { FaqTopic, KnowledgeBase } from './knowledge-base.js'
import type { Matcher, MatchOutcome } from './matcher.js'
import { smallTalk, smallTalkReply } from './small-talk.js'

export const TOPIC_PREFIX = 'faq:'
export const GROUP_PREFIX = 'faqgroup:'

const texts = {
  groups: {
    id: 'Pilih kelompok topik, atau langsung ketik pertanyaan Anda (mis. "syarat sertifikasi apa saja?").',
    en: 'Choose a group of topics, or just type your question (e.g. "what are the requirements?").',
  },
  group: { id: 'Topik tentang {group}:', en: 'Topics about {group}:' },
  back: { id: 'Kembali ke daftar topik', en: 'Back to the topic groups' },
  suggest: {
    id: 'Saya kurang yakin maksud pertanyaan Anda. Maksud Anda:',
    en: 'I am not sure what you mean. Did you mean:',
  },
  askStaff: { id: 'Bukan, tanya petugas', en: 'None of these, ask staff' },
  none: {
    id: 'Maaf, saya belum punya jawaban untuk itu. Saya bisa membantu seputar sertifikasi SDM Kesos: alur dan syarat, Bimtek, ujian, portofolio, status, dan verifikasi sertifikat. Coba tulis dengan kata lain, pilih menu di bawah, atau pilih 6 untuk bertanya langsung kepada petugas {contact}.',
    en: 'Sorry, I have no answer for that yet. I can help with SDM Kesos certification: steps and requirements, Bimtek, exams, portfolios, status and certificate checks. Try other words, choose from the menu below, or choose 6 to ask the staff of {contact}.',
  },
} satisfies Record<string, Text>

export type FaqDeps = {
  kb: KnowledgeBase
  matcher: Matcher
  contact: string
  /** Whether a menu entry exists, so follow-ups never lead to something not built yet. */
  isAvailable: (menuChoiceId: string) => boolean
}

export function createFaq(deps: FaqDeps) {
  const { kb, matcher } = deps
  const topics = new Map(kb.topics.map((topic) => [topic.id, topic]))
  const title = (topic: FaqTopic, lang: Language) => t(lang, topic.title)

  function answer(topic: FaqTopic, lang: Language, extra: Choice[] = []): Outcome {
    // A follow-up's action ("faq:alur", "menu:daftar") is already the id of the option it becomes.
    const followUps: Choice[] = topic.followUps
      .map((followUp) => ({ id: followUp.action, label: t(lang, followUp.label) }))
      .filter((choice) => !choice.id.startsWith('menu:') || deps.isAvailable(choice.id))
    // An extra option that a follow-up already offers under the same name ("Bicara dengan petugas") is not repeated.
    const choices = [...extra.filter((e) => !followUps.some((f) => f.label === e.label)), ...followUps]
    const reply: Reply = { text: `*${title(topic, lang)}*\n\n${t(lang, topic.answer).trim()}` }
    return { replies: [choices.length ? { ...reply, choices } : reply], next: null }
  }

  function groups(lang: Language): Outcome {
    const choices = kb.groups.map((group) => ({ id: `${GROUP_PREFIX}${group.id}`, label: t(lang, group.title) }))
    return { replies: [{ text: t(lang, texts.groups), choices }], next: null }
  }

  function group(id: string, lang: Language): Outcome {
    const found = kb.groups.find((g) => g.id === id)
    if (!found) return groups(lang)
    const choices = kb.topics
      .filter((topic) => topic.group === id)
      .map((topic) => ({ id: `${TOPIC_PREFIX}${topic.id}`, label: title(topic, lang) }))
    choices.push({ id: 'menu:faq', label: t(lang, texts.back) })
    return { replies: [{ text: fill(t(lang, texts.group), { group: t(lang, found.title) }), choices }], next: null }
  }

  /** Handles a tapped or typed FAQ option ("faq:syarat", "faqgroup:bimtek"); these stay valid on old messages. */
  function choose(ctx: TurnContext, choiceId: string): Outcome {
    if (choiceId.startsWith(GROUP_PREFIX)) return group(choiceId.slice(GROUP_PREFIX.length), ctx.lang)
    const topic = topics.get(choiceId.slice(TOPIC_PREFIX.length))
    return topic ? answer(topic, ctx.lang) : groups(ctx.lang)
  }

  /**
   * Free text outside any flow. `match`: the matcher's verdict on this text when the understanding step already has it
   * (the matcher runs once per message); `extra`: options put before the answer's own (the action that serves it),
   * or before the suggested topics and the menu when there is no answer (the action the message may ask for); never
   * after a subject that is not ours.
   */
  function ask(ctx: TurnContext, input: UserInput, options: { match?: MatchOutcome; extra?: Choice[] } = {}): Outcome {
    const kind = smallTalk(input.text)
    if (kind) return { replies: [{ text: t(ctx.lang, smallTalkReply(kind)) }], next: null }
    const outcome = options.match ?? matcher.match(input.text)
    if (outcome.kind === 'answer') return answer(outcome.topic, ctx.lang, options.extra)
    if (outcome.kind === 'suggest') {
      const choices = [
        ...(options.extra ?? []),
        ...outcome.topics.map((topic) => ({ id: `${TOPIC_PREFIX}${topic.id}`, label: title(topic, ctx.lang) })),
      ]
      if (deps.isAvailable('menu:petugas')) choices.push({ id: 'menu:petugas', label: t(ctx.lang, texts.askStaff) })
      return { replies: [{ text: t(ctx.lang, texts.suggest), choices }], next: null }
    }
    if (outcome.kind === 'outOfScope') {
      return { replies: [{ text: t(ctx.lang, outcome.subject.reply).trim(), choices: menuChoices(ctx.lang) }], next: null }
    }
    return {
      replies: [
        {
          text: fill(t(ctx.lang, texts.none), { contact: deps.contact }),
          choices: [...(options.extra ?? []), ...menuChoices(ctx.lang)],
        },
      ],
      next: null,
    }
  }

  return {
    menu: { start: (ctx: TurnContext) => groups(ctx.lang) },
    ask,
    /** The answer of one topic (a second request in the same message). */
    topic: (ctx: TurnContext, id: string): Outcome => choose(ctx, `${TOPIC_PREFIX}${id}`),
    title: (id: string, lang: Language): string | undefined => {
      const topic = topics.get(id)
      return topic && title(topic, lang)
    },
    actions: [
      { prefix: TOPIC_PREFIX, handle: choose },
      { prefix: GROUP_PREFIX, handle: choose },
    ],
  }
}
