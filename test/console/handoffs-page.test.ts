/**
 * Percakapan (/admin/percakapan) through the real app: the list's filters, order and scope, the
 * thread and its forms (take, reply, note, close, the phone number, quick replies), the files, the
 * live stream, and who may see what. Handoffs are inserted as the core writes them.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { closeStore, statement } from '../../src/db/client.js'
import { coreDriver } from '../support/transcript.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

// The fixture's clock: Monday 23 November 2026, 09:00 WIB (10:00 WITA).
const NOW = new Date('2026-11-23T02:00:00Z')
const MIN = 60_000

type HandoffInput = {
  code: string
  region?: string | null
  status?: 'waiting' | 'open' | 'closed'
  live?: boolean
  name?: string
  channel?: 'telegram' | 'whatsapp'
  createdAt?: Date
  closedAt?: Date
  assigned?: number
  lastPersonAt?: Date
  lastStaffAt?: Date
  phone?: string
}

async function addHandoff(core: Core, h: HandoffInput): Promise<number> {
  const region =
    h.region === null
      ? null
      : ((await statement(core.db, 'select id from regions where code = ?').get(h.region ?? 'R5')) as { id: number }).id
  const row = (await statement(
    core.db,
    `insert into handoff_requests (code, channel, chat_id, name, phone_e164, topic, question, status, live, region_id,
       assigned_staff_id, created_at, closed_at, last_person_at, last_staff_at)
     values (?, ?, ?, ?, ?, 'Status sertifikasi', 'Kapan sertifikat saya terbit?', ?, ?, ?, ?, ?, ?, ?, ?)
     returning id`,
  ).get(
    h.code,
    h.channel ?? 'whatsapp',
    `chat-${h.code}`,
    h.name ?? 'Siti Rahma',
    h.phone ?? '+6281234567890',
    h.status ?? 'waiting',
    h.live === false ? 0 : 1,
    region,
    h.assigned ?? null,
    (h.createdAt ?? new Date(NOW.getTime() - 60 * MIN)).getTime(),
    h.closedAt?.getTime() ?? null,
    h.lastPersonAt?.getTime() ?? null,
    h.lastStaffAt?.getTime() ?? null,
  )) as { id: number }
  return row.id
}

async function addMessage(
  core: Core,
  handoffId: number,
  m: { author: 'person' | 'staff' | 'note' | 'system'; text?: string; at?: Date; staffName?: string; attachmentId?: number },
): Promise<number> {
  return (
    (await statement(
      core.db,
      `insert into handoff_messages (handoff_id, at, author, staff_name, via, text, attachment_id)
         values (?, ?, ?, ?, ?, ?, ?) returning id`,
    ).get(
      handoffId,
      (m.at ?? NOW).getTime(),
      m.author,
      m.staffName ?? null,
      m.author === 'person' ? 'chat' : m.author === 'system' ? 'system' : 'console',
      m.text ?? null,
      m.attachmentId ?? null,
    )) as { id: number }
  ).id
}

const fixtures: Awaited<ReturnType<typeof consoleFixture>>[] = []
afterEach(async () => {
  for (const f of fixtures.splice(0)) await closeStore(f.core.db)
})

async function setup(options: Parameters<typeof consoleFixture>[0] = {}) {
  const f = await consoleFixture(options)
  fixtures.push(f)
  const admin = await f.addAccount({ email: 'pusat@kemensos.go.id', name: 'Sri Wahyuni' })
  const regional = await f.addAccount({ email: 'r5@kemensos.go.id', name: 'Rina Lestari', role: 'regional', region: 'R5' })
  await f.addAccount({ email: 'lihat@kemensos.go.id', name: 'Budi Pemantau', role: 'viewer' })
  const as = async (email: string) => {
    const b = browserOn(f.app)
    expect((await b.signIn(email)).status).toBe(303)
    return b
  }
  return { f, core: f.core, admin, regional, as }
}

const codesIn = (html: string) => [...html.matchAll(/>(PTG-[A-Z0-9]+)</g)].map((m) => m[1])

describe('the Percakapan list', () => {
  it('shows waiting handoffs oldest first by default, with their waiting time in working hours', async () => {
    const { core, as } = await setup()
    await addHandoff(core, { code: 'PTG-NEW001', createdAt: new Date(NOW.getTime() - 30 * MIN) })
    // Friday 20 November 15:00 WITA: one working hour on Friday, two on Monday morning (08:00–10:00 WITA).
    await addHandoff(core, { code: 'PTG-OLD001', createdAt: new Date('2026-11-20T07:00:00Z') })
    await addHandoff(core, { code: 'PTG-OPEN01', status: 'open' })
    const html = await (await (await as('pusat@kemensos.go.id')).request('/admin/percakapan')).text()
    expect(codesIn(html)).toEqual(['PTG-OLD001', 'PTG-NEW001'])
    const old = html.slice(html.indexOf('PTG-OLD001'), html.indexOf('</tr>', html.indexOf('PTG-OLD001')))
    expect(old).toContain('3 j 0 m <small>jam kerja</small>')
    expect(old).toContain('Menunggu petugas')
    expect(html).toContain('30 m <small>jam kerja</small>')
  })

  it('orders open ones by how long the person is unanswered, closed ones newest closed first, and filters', async () => {
    const { core, as, admin } = await setup()
    await addHandoff(core, {
      code: 'PTG-ANSWRD',
      status: 'open',
      lastPersonAt: new Date(NOW.getTime() - 90 * MIN),
      lastStaffAt: new Date(NOW.getTime() - 10 * MIN),
    })
    await addHandoff(core, {
      code: 'PTG-RECENT',
      status: 'open',
      lastPersonAt: new Date(NOW.getTime() - 5 * MIN),
      assigned: admin,
    })
    await addHandoff(core, {
      code: 'PTG-LONGER',
      status: 'open',
      lastPersonAt: new Date(NOW.getTime() - 45 * MIN),
      channel: 'telegram',
    })
    await addHandoff(core, { code: 'PTG-CLOSE1', status: 'closed', closedAt: new Date(NOW.getTime() - 300 * MIN) })
    await addHandoff(core, {
      code: 'PTG-CLOSE2',
      status: 'closed',
      closedAt: new Date(NOW.getTime() - 20 * MIN),
      name: 'Ahmad Yani',
    })
    await addHandoff(core, { code: 'PTG-LEGACY', live: false, createdAt: new Date(NOW.getTime() - 600 * MIN) })
    const b = await as('pusat@kemensos.go.id')
    const list = async (query: string) => codesIn(await (await b.request(`/admin/percakapan?${query}`)).text())
    expect(await list('status=dibuka')).toEqual(['PTG-LONGER', 'PTG-RECENT', 'PTG-ANSWRD'])
    expect(await list('status=ditutup')).toEqual(['PTG-CLOSE2', 'PTG-CLOSE1'])
    expect(await list('status=semua')).toEqual([
      'PTG-LEGACY',
      'PTG-LONGER',
      'PTG-RECENT',
      'PTG-ANSWRD',
      'PTG-CLOSE2',
      'PTG-CLOSE1',
    ])
    expect(await list('status=dibuka&milik=saya')).toEqual(['PTG-RECENT'])
    expect(await list('status=semua&kanal=telegram')).toEqual(['PTG-LONGER'])
    expect(await list('status=semua&q=ahmad')).toEqual(['PTG-CLOSE2'])
    expect(await list('status=semua&q=legacy')).toEqual(['PTG-LEGACY'])
    expect(await list('status=semua&wilayah=R2')).toEqual([])
    // An unknown status (even a name every object has) is the default, waiting.
    expect(await list('status=constructor')).toEqual(['PTG-LEGACY'])
    const legacy = await (await b.request('/admin/percakapan')).text()
    expect(legacy).toContain('Telepon (lama)')
    const empty = await (await b.request('/admin/percakapan?status=ditutup&q=nobody')).text()
    expect(empty).toContain('Tidak ada percakapan yang cocok dengan saringan ini.')
    // "Pesan terakhir" is the last word between the person and staff: an internal note after it is not.
    const answered = await addHandoff(core, {
      code: 'PTG-NOTED1',
      status: 'open',
      lastPersonAt: new Date(NOW.getTime() - 3 * MIN),
    })
    await addMessage(core, answered, { author: 'person', text: 'Sudah saya kirim', at: new Date(NOW.getTime() - 3 * MIN) })
    await addMessage(core, answered, { author: 'note', text: 'Cek ke LSP', at: new Date(NOW.getTime() - MIN) })
    const row = /PTG-NOTED1[\s\S]*?<\/tr>/.exec(await (await b.request('/admin/percakapan?status=dibuka')).text())?.[0]
    expect(row).toContain('Peserta<br>')
    expect(row).not.toContain('Catatan')
  })

  it('pages by 25 with the shared pager', async () => {
    const { core, as } = await setup()
    for (let i = 0; i < 27; i++)
      await addHandoff(core, { code: `PTG-P${String(i).padStart(5, '0')}`, createdAt: new Date(NOW.getTime() - (100 - i) * MIN) })
    const b = await as('pusat@kemensos.go.id')
    const first = await (await b.request('/admin/percakapan')).text()
    expect(codesIn(first)).toHaveLength(25)
    expect(first).toContain('Halaman 1 dari 2')
    const second = await (await b.request('/admin/percakapan?status=menunggu&page=2')).text()
    expect(codesIn(second)).toEqual(['PTG-P00025', 'PTG-P00026'])
  })

  it("scopes a regional account to its region's handoffs (by the handoff's region), with the waiting count in the menu", async () => {
    const { core, as } = await setup()
    await addHandoff(core, { code: 'PTG-R5A001', region: 'R5' })
    await addHandoff(core, { code: 'PTG-R5A002', region: 'R5' })
    await addHandoff(core, { code: 'PTG-R2A001', region: 'R2' })
    await addHandoff(core, { code: 'PTG-PUSAT1', region: null })
    const regional = await as('r5@kemensos.go.id')
    const html = await (await regional.request('/admin/percakapan?wilayah=R2')).text()
    expect(codesIn(html)).toEqual(['PTG-R5A001', 'PTG-R5A002'])
    expect(html).toMatch(/Percakapan <span class="badge"[^>]*>.*2.* menunggu\)/)
    for (const code of ['PTG-R2A001', 'PTG-PUSAT1']) {
      const response = await regional.request(`/admin/percakapan/${code}`)
      expect(response.status).toBe(404)
      expect(await response.text()).toContain('Halaman tidak ditemukan')
    }
    const admin = await as('pusat@kemensos.go.id')
    const all = await (await admin.request('/admin/percakapan')).text()
    expect(codesIn(all).sort()).toEqual(['PTG-PUSAT1', 'PTG-R2A001', 'PTG-R5A001', 'PTG-R5A002'])
    expect(all).toMatch(/4<span class="visually-hidden"> menunggu\)/)
  })

  it('shows a viewer the list with masked names and no links, and 404 for the thread, a file and the stream', async () => {
    const { core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-VIEW01', name: 'Siti Rahma' })
    const file = await addFile(core, id, 'image/png', PNG)
    const viewer = await as('lihat@kemensos.go.id')
    const html = await (await viewer.request('/admin/percakapan')).text()
    expect(html).toContain('PTG-VIEW01')
    expect(html).not.toContain('Siti Rahma')
    expect(html).not.toContain('href="/admin/percakapan/PTG-VIEW01"')
    for (const path of ['', `/berkas/${file}`, '/aliran'])
      expect((await viewer.request(`/admin/percakapan/PTG-VIEW01${path}`)).status).toBe(404)
    const post = await viewer.submit('/admin/percakapan', '/admin/percakapan/PTG-VIEW01/ambil', {})
    expect(post.status).toBe(404)
    expect(await statement(core.db, 'select status from handoff_requests where id = ?').get(id)).toEqual({ status: 'waiting' })
  })
})

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
const PDF = Buffer.from('%PDF-1.4\n%test\n')

async function addFile(
  core: Core,
  handoffId: number,
  mimeType: string,
  bytes: Buffer,
  box?: { seal(b: Uint8Array): Buffer },
): Promise<number> {
  const content = box ? box.seal(bytes) : bytes
  return (
    (await statement(
      core.db,
      `insert into handoff_attachments (handoff_id, kind, mime_type, file_name, size, sha256, content, created_at)
         values (?, ?, ?, ?, ?, 'x', ?, ?) returning id`,
    ).get(
      handoffId,
      mimeType === 'application/pdf' ? 'pdf' : 'image',
      mimeType,
      mimeType === 'application/pdf' ? 'ktp scan.pdf' : null,
      1_258_291,
      content,
      NOW.getTime(),
    )) as { id: number }
  ).id
}

describe('a thread', () => {
  it('shows the header with the phone masked, the messages in the region zone, notes apart, delivery; audited', async () => {
    const { core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-THREAD' })
    await addMessage(core, id, { author: 'person', text: 'Halo, <b>saya</b> menunggu', at: new Date('2026-11-23T01:30:00Z') })
    const reply = await addMessage(core, id, { author: 'staff', text: 'Baik, kami cek', staffName: 'Rina Lestari' })
    const outbox = (
      (await statement(
        core.db,
        `insert into outbox (idempotency_key, channel, chat_id, kind, payload, due_at, status, last_error, created_at, updated_at)
           values ('k1', 'whatsapp', 'c', 'handoff_reply', '{}', 0, 'skipped', 'the person blocked the assistant', 0, 0) returning id`,
      ).get()) as { id: number }
    ).id
    await statement(core.db, 'update handoff_messages set outbox_id = ? where id = ?').run(outbox, reply)
    await addMessage(core, id, { author: 'note', text: 'Sudah ditelepon kemarin', staffName: 'Rina Lestari' })
    const b = await as('r5@kemensos.go.id')
    const response = await b.request('/admin/percakapan/PTG-THREAD')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('+62 812-****-7890')
    expect(html).not.toContain('81234567890')
    expect(html).toContain('Halo, &lt;b&gt;saya&lt;/b&gt; menunggu')
    expect(html).toContain('2026-11-23 09:30 WITA')
    expect(html).toMatch(/class="msg msg-note"[\s\S]*Catatan internal[\s\S]*Sudah ditelepon kemarin/)
    expect(html).toContain('⛔ diblokir pengguna')
    expect(html).toContain('Muat ulang')
    expect(await auditOf(core, 'handoff.viewed')).toEqual([expect.objectContaining({ entityId: 'PTG-THREAD' })])

    const shown = await b.submit('/admin/percakapan/PTG-THREAD', '/admin/percakapan/PTG-THREAD/nomor', {})
    expect(await shown.text()).toContain('+6281234567890')
    expect(await auditOf(core, 'handoff.phone_shown')).toHaveLength(1)
  })

  it('takes, replies, notes and closes through the core actions, each back to the thread with a notice', async () => {
    const { core, as, regional } = await setup()
    const id = await addHandoff(core, { code: 'PTG-ACTION' })
    const b = await as('r5@kemensos.go.id')
    const page = '/admin/percakapan/PTG-ACTION'
    const state = async () =>
      await statement(core.db, 'select status, assigned_staff_id as staff from handoff_requests where id = ?').get(id)

    const fresh = await (await b.request(page)).text()
    expect(fresh).toContain('<button type="submit">Ambil</button>')
    // Without quick replies configured there is no empty list to choose from.
    expect(fresh).not.toContain('Jawaban cepat')
    const take = await b.submit(page, `${page}/ambil`, {})
    expect(take.status).toBe(303)
    expect(take.headers.get('location')).toBe(`${page}?diambil`)
    expect(await state()).toEqual({ status: 'open', staff: regional })
    const taken = await (await b.request(`${page}?diambil`)).text()
    expect(taken).toContain('Percakapan ini sekarang milik Anda.')
    expect(taken).not.toContain(`action="${page}/ambil"`)
    // A colleague sees who has it, and may take it over.
    const colleague = await as('pusat@kemensos.go.id')
    expect(await (await colleague.request(page)).text()).toContain('<button type="submit">Ambil alih</button>')

    const empty = await b.submit(page, `${page}/balas`, { text: '   ' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toMatch(/id="f-text"[^>]*aria-invalid="true"[\s\S]*Tulis pesannya dulu\./)
    const long = await b.submit(page, `${page}/balas`, { text: 'x'.repeat(2_001) })
    expect(long.status).toBe(422)
    expect(await long.text()).toContain('Paling panjang 2.000 karakter.')

    const sent = await b.submit(page, `${page}/balas`, { text: 'Sertifikat Anda terbit minggu depan.' })
    expect(sent.headers.get('location')).toBe(`${page}?terkirim`)
    const after = await (await b.request(`${page}?terkirim`)).text()
    expect(after).toContain('Balasan dikirim ke peserta lewat chat.')
    expect(after).toMatch(/msg-staff[\s\S]*menunggu kirim[\s\S]*Sertifikat Anda terbit minggu depan\./)

    expect((await b.submit(page, `${page}/catatan`, { text: 'Cek ke LSP' })).headers.get('location')).toBe(`${page}?dicatat`)
    expect(await (await b.request(page)).text()).toMatch(/msg-note[\s\S]*Cek ke LSP/)

    const unticked = await b.submit(page, `${page}/tutup`, {})
    expect(unticked.status).toBe(422)
    expect(await unticked.text()).toContain('Centang kotak ini untuk menutup percakapan.')
    expect(await state()).toEqual({ status: 'open', staff: regional })
    expect((await b.submit(page, `${page}/tutup`, { yakin: 'ya' })).headers.get('location')).toBe(`${page}?ditutup`)
    expect(await state()).toMatchObject({ status: 'closed' })
    const closed = await (await b.request(page)).text()
    expect(closed).toContain('Percakapan ini sudah ditutup')
    expect(closed).not.toContain(`action="${page}/balas"`)
    const late = await b.submit(`/admin/percakapan`, `${page}/balas`, { text: 'lagi' })
    expect(late.status).toBe(409)
    expect(await late.text()).toContain('Percakapan ini sudah ditutup.')

    for (const action of ['handoff.taken', 'handoff.replied', 'handoff.noted', 'handoff.closed'])
      expect(await auditOf(core, action), action).toEqual([
        expect.objectContaining({ actor: `staff:${regional}`, entityId: 'PTG-ACTION' }),
      ])
  })

  it('refuses every form without its CSRF token', async () => {
    const { core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-CSRF01' })
    const b = await as('pusat@kemensos.go.id')
    for (const action of ['ambil', 'balas', 'catatan', 'tutup', 'nomor']) {
      const response = await b.request(`/admin/percakapan/PTG-CSRF01/${action}`, { form: { text: 'x', yakin: 'ya' } })
      expect(response.status, action).toBe(403)
    }
    expect(await statement(core.db, 'select count(*) as n from handoff_messages where handoff_id = ?').get(id)).toEqual({ n: 0 })
  })

  it('puts a quick reply (an FAQ answer) in the reply box with ?faq=', async () => {
    const { core, as } = await setup({
      quickReplies: [
        { id: 'bimtek', title: 'Bimtek', answer: 'Bimtek diadakan tiap bulan.' },
        { id: 'ujian', title: 'Ujian', answer: 'Ujian <daring> dan luring.' },
      ],
    })
    await addHandoff(core, { code: 'PTG-QUICK1' })
    const b = await as('pusat@kemensos.go.id')
    const plain = await (await b.request('/admin/percakapan/PTG-QUICK1')).text()
    expect(plain).toMatch(/<textarea id="f-text"[^>]*><\/textarea>/)
    const html = await (await b.request('/admin/percakapan/PTG-QUICK1?faq=ujian')).text()
    expect(html).toMatch(/<textarea id="f-text"[^>]*>Ujian &lt;daring&gt; dan luring\.<\/textarea>/)
    expect(html).toMatch(/<option value="ujian" data-jawaban="[^"]*" selected>/)
  })
})

describe("a person's page", () => {
  it('links each of their handoff codes to its thread, with the state in words', async () => {
    const { core, as } = await setup()
    const person = (
      (await statement(
        core.db,
        "insert into people (full_name, province_code, created_at, updated_at) values ('Siti Rahma', '73', 0, 0) returning id",
      ).get()) as { id: number }
    ).id
    const id = await addHandoff(core, { code: 'PTG-PERSON', status: 'open' })
    await statement(core.db, 'update handoff_requests set person_id = ? where id = ?').run(person, id)
    const html = await (await (await as('r5@kemensos.go.id')).request(`/admin/peserta/${person}`)).text()
    expect(html).toContain('<a href="/admin/percakapan/PTG-PERSON"><code>PTG-PERSON</code></a>')
    expect(html).toContain('Sedang dilayani')
  })
})

describe('files and the live stream', () => {
  it('serves a photo inline and a PDF as a download, opened from its sealed form, nosniff, audited', async () => {
    const { f, core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-FILES1' })
    const image = await addFile(core, id, 'image/png', PNG, f.handoffFiles)
    const pdf = await addFile(core, id, 'application/pdf', PDF, f.handoffFiles)
    await addMessage(core, id, { author: 'person', attachmentId: image })
    await addMessage(core, id, { author: 'person', attachmentId: pdf })
    const other = await addHandoff(core, { code: 'PTG-FILES2' })
    const b = await as('pusat@kemensos.go.id')
    const html = await (await b.request('/admin/percakapan/PTG-FILES1')).text()
    expect(html).toContain(`<img src="/admin/percakapan/PTG-FILES1/berkas/${image}"`)
    expect(html).toContain('PDF (1,2 MB) · ktp scan.pdf')

    const photo = await b.request(`/admin/percakapan/PTG-FILES1/berkas/${image}`)
    expect(photo.status).toBe(200)
    expect(photo.headers.get('content-type')).toBe('image/png')
    expect(photo.headers.get('content-disposition')).toBe('inline')
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(PNG)
    const doc = await b.request(`/admin/percakapan/PTG-FILES1/berkas/${pdf}`)
    expect(doc.headers.get('content-type')).toBe('application/pdf')
    expect(doc.headers.get('content-disposition')).toBe('attachment; filename="ktp_scan.pdf"')
    expect(Buffer.from(await doc.arrayBuffer())).toEqual(PDF)
    expect((await auditOf(core, 'handoff.file_viewed')).map((a) => JSON.parse(a.details ?? '{}'))).toEqual([
      { attachment: image },
      { attachment: pdf },
    ])
    expect((await b.request(`/admin/percakapan/PTG-FILES2/berkas/${image}`)).status).toBe(404)
    expect(other).toBeGreaterThan(0)
  })

  it('shows a photo the person sent in their chat (stored sealed by the core) and serves it opened', async () => {
    const { core, as } = await setup()
    const person = coreDriver(core.engine, { chatId: 'siti-foto' })
    for (const answer of ['6', '2', 'Ini foto ijazah saya', 'Siti Rahma', '081234567890', 'Sulawesi Selatan', 'ya'])
      await person.send(answer)
    const code = (
      (await statement(core.db, "select code from handoff_requests where chat_id = 'siti-foto'").get()) as { code: string }
    ).code
    await core.engine.handle({
      channel: 'console',
      chatId: 'siti-foto',
      userId: 'siti-foto',
      messageId: 'foto-1',
      media: { kind: 'image', mimeType: 'image/png', bytes: new Uint8Array(PNG) },
      receivedAt: NOW,
    })
    const stored = (await statement(core.db, 'select id, content from handoff_attachments').get()) as {
      id: number
      content: Buffer
    }
    expect(stored.content.includes(PNG)).toBe(false)
    const b = await as('r5@kemensos.go.id')
    expect(await (await b.request(`/admin/percakapan/${code}`)).text()).toContain(
      `<img src="/admin/percakapan/${code}/berkas/${stored.id}"`,
    )
    const photo = await b.request(`/admin/percakapan/${code}/berkas/${stored.id}`)
    expect(photo.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(PNG)
  })

  it('streams a new message as an event and a change of state, and resumes after Last-Event-ID', async () => {
    const { f, core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-STREAM' })
    const first = await addMessage(core, id, { author: 'person', text: 'pesan pertama' })
    const b = await as('pusat@kemensos.go.id')

    const response = await b.request('/admin/percakapan/PTG-STREAM/aliran', { headers: { 'Last-Event-ID': String(first) } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const second = await addMessage(core, id, { author: 'person', text: 'pesan <kedua>' })
    f.activity.emit()
    const text = await readUntil(reader, 'pesan &lt;kedua&gt;')
    expect(text).toContain(`event: pesan\ndata: <li class="msg msg-person" id="m-${second}">`)
    expect(text).toContain(`id: ${second}\n`)
    expect(text).not.toContain('pesan pertama')
    await statement(core.db, "update handoff_requests set status = 'open' where id = ?").run(id)
    f.activity.emit()
    expect(await readUntil(reader, 'Sedang dilayani')).toContain('event: status\ndata: Sedang dilayani\n')
    await reader.cancel()

    const resumed = await b.request('/admin/percakapan/PTG-STREAM/aliran', { headers: { 'Last-Event-ID': '0' } })
    const again = (resumed.body as ReadableStream<Uint8Array>).getReader()
    const all = await readUntil(again, 'pesan &lt;kedua&gt;')
    expect(all).toContain('pesan pertama')
    await again.cancel()
  })
})

describe('the live stream and the session', () => {
  it('ends when the console session has expired, without keeping it alive', async () => {
    const { f, core, as } = await setup()
    const id = await addHandoff(core, { code: 'PTG-EXPIRE' })
    const b = await as('pusat@kemensos.go.id')
    const seen = async () => (await statement(core.db, 'select last_seen_at as at from staff_sessions').get()) as { at: number }
    const response = await b.request('/admin/percakapan/PTG-EXPIRE/aliran')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const before = (await seen()).at
    f.clock.advance(20 * MIN)
    await addMessage(core, id, { author: 'person', text: 'masih di sini' })
    f.activity.emit()
    expect(await readUntil(reader, 'masih di sini')).toContain('event: pesan')
    expect((await seen()).at).toBe(before)
    f.clock.advance(11 * MIN)
    f.activity.emit()
    expect(await readUntil(reader, 'never')).not.toContain('never')
    expect((await reader.read()).done).toBe(true)
  })
})

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes(needle)) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  return text
}

describe('Tautkan Telegram in the console', () => {
  it('is mounted behind the session guard: the page for a signed-in staff member, a code only with the CSRF token', async () => {
    const { f } = await setup()
    expect((await browserOn(f.app).request('/admin/tautkan-telegram')).status).toBe(303)
    const b = browserOn(f.app)
    await b.signIn('r5@kemensos.go.id')
    const page = await b.request('/admin/tautkan-telegram')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<h1>Tautkan Telegram</h1>')
    expect((await b.request('/admin/tautkan-telegram', { form: {} })).status).toBe(403)
    const made = await b.submit('/admin/tautkan-telegram', '/admin/tautkan-telegram', {})
    expect(await made.text()).toMatch(/\/tautkan \d{6}/)
  })
})

describe('the console script and its security headers', () => {
  it('lets /admin run its own script and open its event stream, while the public pages keep allowing no script', async () => {
    const { as } = await setup({ verify: true })
    const b = await as('pusat@kemensos.go.id')
    const page = await b.request('/admin/percakapan')
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    const src = (await page.text()).match(/<script src="([^"]+)" defer>/)?.[1] ?? ''
    const script = await b.request(src)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await script.text()).toContain('EventSource')

    const verify = await b.request('/verifikasi')
    expect(verify.status).toBe(200)
    const publicCsp = verify.headers.get('content-security-policy') ?? ''
    expect(publicCsp).toContain("default-src 'none'")
    expect(publicCsp).not.toContain('script-src')
    expect(publicCsp).not.toContain('connect-src')
  })
})
