// Answers as the inputs change: fetch the server-rendered answer and put it in place.
// Without this script the form still works (a GET of the page).
(() => {
  "use strict";
  const form = document.getElementById("simulator");
  const answer = document.getElementById("answer");
  if (!form || !answer) return;
  let pending = null;
  let timer = null;

  // An "absent" box switches its input off: the value is then null.
  function syncAbsent() {
    for (const box of form.querySelectorAll("input[data-absent-for]")) {
      const target = document.getElementById(box.dataset.absentFor);
      if (target) target.disabled = box.checked;
    }
  }

  async function update() {
    syncAbsent();
    const params = new URLSearchParams(new FormData(form));
    if (pending) pending.abort();
    pending = new AbortController();
    answer.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.dataset.answerUrl + "?" + params, {
        signal: pending.signal,
        headers: { Accept: "text/html" },
      });
      answer.innerHTML = await response.text();
      history.replaceState(null, "", "/?" + params);
    } catch (error) {
      if (error.name !== "AbortError") answer.textContent = "The server did not answer: " + error.message;
    } finally {
      answer.removeAttribute("aria-busy");
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(update, 100);
  }

  form.addEventListener("change", soon);
  form.addEventListener("input", soon);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  syncAbsent();
})();
