// Polls the import's progress API (session auth) and fills the progress bar; reloads once finished,
// or once the session has ended (the poll is refused: the page then goes to the sign-in).
(function () {
  const box = document.getElementById("import");
  if (!box || box.dataset.final) return;
  const bar = document.getElementById("bar"), state = document.getElementById("state"), count = document.getElementById("count");
  const labels = JSON.parse(document.getElementById("import-status-labels").textContent);  // in the page's language
  async function poll() {
    try {
      const response = await fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (response.status === 401 || response.status === 403) { window.location.reload(); return; }
      if (!response.ok) throw new Error(response.status);  // e.g. a rate limit: the figures stay
      const job = await response.json();
      bar.value = job.percent; count.textContent = job.done + "/" + job.total; state.textContent = labels[job.status] || job.status;
      if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
    } catch (e) { /* the next poll tries again */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
