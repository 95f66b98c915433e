// The console's only script (docs/console.md, "Percakapan"): on a thread page it appends the
// messages the server streams (server-sent events; the browser resumes with Last-Event-ID after a
// drop) and fills the reply box with a quick reply. Without it the page still works: "Muat ulang"
// and the "Sisipkan" form do the same.
;(() => {
  const thread = document.getElementById('pesan')
  if (thread?.dataset.aliran && 'EventSource' in window) {
    const url = new URL(thread.dataset.aliran, location.href)
    // The first connection starts after the last message the page already shows.
    url.searchParams.set('sejak', thread.dataset.terakhir || '0')
    const source = new EventSource(url)
    source.addEventListener('pesan', (event) => {
      if (document.getElementById(`m-${event.lastEventId}`)) return
      const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80
      thread.insertAdjacentHTML('beforeend', event.data)
      document.getElementById('belum-ada')?.remove()
      if (atBottom) thread.lastElementChild?.scrollIntoView({ block: 'end' })
    })
    source.addEventListener('status', (event) => {
      for (const element of document.querySelectorAll('[data-status]')) element.textContent = event.data
    })
  }

  const quick = document.querySelector('form.quick')
  const text = document.getElementById('f-text')
  if (quick && text) {
    quick.addEventListener('submit', (event) => {
      const option = quick.querySelector('select')?.selectedOptions[0]
      if (!option?.dataset.jawaban) return
      event.preventDefault()
      text.value = option.dataset.jawaban
      text.focus()
    })
  }
})()
