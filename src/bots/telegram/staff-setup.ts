/**
 * The start-up check of each configured staff group (STAFF_TELEGRAM_CHATS): can the bot read it,
 * are topics on (topic mode) or off (reply mode), and is the bot an administrator with the rights
 * it needs (Manage Topics for topic mode, Delete Messages for erasure). One log line per group at
 * start-up; `npm run cli -- telegram info` prints the same lines.
 */
import type { Api } from 'grammy'
import type { Logger } from 'pino'
import { describe } from './bot.js'
import type { StaffGroupSettings } from './staff-relay.js'

export type StaffGroupCheck = {
  chatId: string
  /** The regions whose handoffs go there (`*`: the rest). */
  regions: string[]
  title: string | null
  /** `topics`: a forum topic per handoff; `replies`: replies to the bot's posts; null: the group could not be read. */
  mode: 'topics' | 'replies' | null
  /** What is wrong, in Indonesian, for the operator; empty: ready. */
  problems: string[]
}

/** Checks every configured group with getChat and getChatMember (the bot itself); never throws. */
export async function checkStaffGroups(
  api: Api,
  settings: Pick<StaffGroupSettings, 'staffChats'>,
  botId: number,
): Promise<StaffGroupCheck[]> {
  const byChat = new Map<string, string[]>()
  for (const { region, chatId } of settings.staffChats) byChat.set(chatId, [...(byChat.get(chatId) ?? []), region])
  const checks: StaffGroupCheck[] = []
  for (const [chatId, regions] of byChat) {
    const check: StaffGroupCheck = { chatId, regions, title: null, mode: null, problems: [] }
    checks.push(check)
    try {
      const chat = await api.getChat(chatId)
      check.title = 'title' in chat && typeof chat.title === 'string' ? chat.title : null
      check.mode = chat.is_forum ? 'topics' : 'replies'
      if (chat.type !== 'supergroup') check.problems.push('bukan supergrup (topik dan tautan pesan butuh supergrup)')
    } catch (error) {
      check.problems.push(`grup tidak dapat dibaca (${reason(error)}): tambahkan bot ke grup, periksa ID-nya dengan /idgrup`)
      continue
    }
    try {
      const member = await api.getChatMember(chatId, botId)
      if (member.status !== 'administrator' && member.status !== 'creator') {
        check.problems.push('bot bukan admin grup')
      } else if (member.status === 'administrator') {
        if (check.mode === 'topics' && !member.can_manage_topics) check.problems.push('bot tidak punya hak "Kelola Topik"')
        if (!member.can_delete_messages) check.problems.push('bot tidak punya hak "Hapus Pesan" (untuk penghapusan data)')
      }
    } catch (error) {
      check.problems.push(`status bot di grup tidak dapat dibaca (${reason(error)})`)
    }
  }
  return checks
}

/** One line per group: "Grup staf R5 -1005678 (Staf Makassar): mode topik, siap" or its problems. */
export function describeCheck(check: StaffGroupCheck): string {
  const mode = check.mode === 'topics' ? 'mode topik' : check.mode === 'replies' ? 'mode balasan (topik mati)' : 'mode ?'
  const title = check.title ? ` (${check.title})` : ''
  const state = check.problems.length === 0 ? 'siap' : check.problems.join('; ')
  return `Grup staf ${check.regions.join(',')} ${check.chatId}${title}: ${mode}, ${state}`
}

/** Checks the groups and logs one line each (a warning when something is wrong). */
export async function logStaffGroups(
  api: Api,
  settings: Pick<StaffGroupSettings, 'staffChats'>,
  botId: number,
  logger: Logger,
): Promise<StaffGroupCheck[]> {
  const checks = await checkStaffGroups(api, settings, botId)
  for (const check of checks) {
    const fields = { chatId: check.chatId, regions: check.regions, mode: check.mode }
    if (check.problems.length === 0) logger.info(fields, describeCheck(check))
    else logger.warn(fields, describeCheck(check))
  }
  return checks
}

function reason(error: unknown): string {
  const described = describe(error)
  return String(described.description ?? described.message ?? described.name ?? 'galat')
}
