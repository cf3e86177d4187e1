// The review app's only script: sends each change at once, moves with keys.
// Served from /static (the CSP allows no inline script); every write is a
// JSON POST carrying the page's CSRF token.

const csrf = document.querySelector('meta[name="takehome-csrf"]').content;
const flash = document.getElementById("flash");

function say(message, ok = false) {
  flash.textContent = message;
  flash.className = ok ? "ok" : "";
  flash.hidden = false;
}

async function post(path, body, keepalive = false) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Takehome-CSRF": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
      keepalive,
    });
  } catch (error) {
    say(`Not saved: the review server cannot be reached (${error}).`);
    throw error;
  }
  const answer = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) {
    say(`Not saved: ${answer.error || response.status}`);
    throw new Error(answer.error);
  }
  return answer;
}

const page = document.getElementById("submission");
const key = page ? page.dataset.key : null;
const api = (action) => `/api/${action}/${encodeURIComponent(key)}`;

function editing(event) {
  const tag = event.target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
}

function follow(id) {
  const link = document.getElementById(id);
  if (link) window.location.href = link.href;
}

if (page) {
  for (const button of document.querySelectorAll("button.decide")) {
    button.addEventListener("click", async () => {
      const answer = await post(api("decision"), { decision: button.dataset.decision });
      for (const other of document.querySelectorAll("button.decide")) {
        other.setAttribute("aria-pressed", String(other.dataset.decision === answer.decision && answer.decision !== ""));
      }
      say(answer.decision ? `Decision saved: ${answer.decision}.` : "Decision cleared.", true);
    });
  }

  const note = document.getElementById("note");
  const noteState = document.getElementById("note-state");
  let saved = note.value;
  let timer = null;
  async function saveNote(keepalive = false) {
    clearTimeout(timer);
    if (note.value === saved) return;
    const text = note.value;
    noteState.textContent = "saving…";
    await post(api("note"), { note: text }, keepalive);
    saved = text;
    noteState.textContent = "saved";
  }
  note.addEventListener("input", () => {
    noteState.textContent = "editing…";
    clearTimeout(timer);
    timer = setTimeout(saveNote, 400);
  });
  note.addEventListener("blur", () => saveNote());
  // Closing or leaving the page mid-edit still stores the note.
  window.addEventListener("pagehide", () => saveNote(true));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveNote(true);
  });

  for (const form of document.querySelectorAll("form.override")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const points = form.elements.points.value;
      if (points === "") { say("Give the points to set, or use Restore automatic."); return; }
      await post(api("override"), { criterion: form.dataset.criterion, points: Number(points), reason: form.elements.reason.value });
      window.location.reload();
    });
    const restore = form.querySelector("button.restore");
    if (restore) {
      restore.addEventListener("click", async () => {
        await post(api("override"), { criterion: form.dataset.criterion, points: null });
        window.location.reload();
      });
    }
  }

  const lineForm = document.getElementById("line-comment");
  // The form travels to a table row under the clicked line (a form cannot
  // sit in a table body by itself).
  const lineRow = document.createElement("tr");
  lineRow.className = "commentrow";
  lineRow.append(document.createElement("td"), document.createElement("td"));
  for (const button of document.querySelectorAll("button.line")) {
    button.addEventListener("click", () => {
      lineForm.dataset.cell = button.dataset.cell;
      lineForm.dataset.line = button.dataset.line;
      button.closest("tr").after(lineRow);
      lineRow.lastChild.append(lineForm);
      lineForm.hidden = false;
      lineForm.elements.text.placeholder = `Comment on cell ${button.dataset.cell}, line ${button.dataset.line}`;
      lineForm.elements.text.focus();
    });
  }
  lineForm.querySelector("button.cancel").addEventListener("click", () => { lineRow.remove(); });

  for (const form of document.querySelectorAll("form.comment")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { text: form.elements.text.value };
      if (form.dataset.criterion) body.criterion = form.dataset.criterion;
      else { body.cell = Number(form.dataset.cell); body.line = Number(form.dataset.line); }
      await post(api("comment"), body);
      window.location.reload();
    });
  }

  for (const button of document.querySelectorAll("button.delete")) {
    button.addEventListener("click", async () => {
      await post(api("uncomment"), { id: Number(button.dataset.comment) });
      window.location.reload();
    });
  }

  document.addEventListener("keydown", (event) => {
    // Escape leaves a text field (the note saves on blur), so keys move again.
    if (editing(event) && event.key === "Escape") { event.target.blur(); return; }
    if (editing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowRight") follow("next");
    else if (event.key === "k" || event.key === "ArrowLeft") follow("prev");
    else if (event.key === "u") window.location.href = document.querySelector(".appbar a").href;
  });
} else {
  // The list: j/k select a row, Enter opens it, / jumps to the search box.
  const rows = [...document.querySelectorAll("#submissions tbody tr[data-key]")];
  let current = -1;
  function select(index) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("selected");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", (event) => {
    if (editing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { select(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0) rows[current].querySelector("a.open").click();
    else if (event.key === "/") { document.querySelector('input[name="q"]').focus(); event.preventDefault(); }
  });
}

const reveal = document.getElementById("reveal");
if (reveal) {
  reveal.addEventListener("click", async () => {
    if (!window.confirm("Reveal candidate names for everyone reviewing this batch? This is recorded.")) return;
    await post("/api/reveal", {});
    window.location.reload();
  });
}

const exporter = document.getElementById("export");
if (exporter) {
  exporter.addEventListener("click", async () => {
    const answer = await post("/api/export", {});
    say(`Exports written: ${answer.written} files in the batch folder.`, true);
  });
}

// Tests (and impatient people) can tell when the page's controls are live.
document.body.dataset.ready = "true";
