// Console du secrétariat : mises à jour en direct (server-sent events), actions sans rechargement.
// Sans JavaScript, chaque formulaire fonctionne aussi (POST puis retour à la page).
"use strict";

(function () {
  const csrf = document.body.dataset.csrf || "";
  const announcer = document.getElementById("announcer");

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function beep() {
    try {
      const AudioContext = window.AudioContext || window.webkitAudioContext;
      const context = new AudioContext();
      [0, 0.35].forEach((start) => {
        const tone = context.createOscillator();
        const gain = context.createGain();
        tone.frequency.value = 880;
        gain.gain.value = 0.2;
        tone.connect(gain).connect(context.destination);
        tone.start(context.currentTime + start);
        tone.stop(context.currentTime + start + 0.2);
      });
    } catch (error) { /* no sound available: the visual cue remains */ }
  }

  async function post(form) {
    const answer = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
      credentials: "same-origin",
    });
    let payload = {};
    try { payload = await answer.json(); } catch (error) { payload = {}; }
    if (answer.status === 401) { window.location.assign("/login"); }
    if (!answer.ok) { throw new Error(payload.error || "Action refusée."); }
    return payload;
  }

  function showError(message) {
    const alert = document.getElementById("alert");
    if (alert) { alert.textContent = message; alert.hidden = false; alert.className = "alert error"; }
    announce(message);
  }

  // -- the queue --

  const queue = document.getElementById("queue");
  if (queue) {
    const seen = new Set(Array.from(queue.children).map((li) => li.dataset.id));
    const liveState = document.getElementById("live-state");
    let refreshing = false;
    let again = false;

    function node(item) {
      const li = document.createElement("li");
      li.dataset.id = String(item.id);
      li.dataset.version = item.version;
      li.dataset.urgency = item.urgency;
      li.innerHTML = item.html; // rendered and escaped by the server's templates
      return li;
    }

    async function refresh() {
      if (refreshing) { again = true; return; }
      refreshing = true;
      try {
        const answer = await fetch("/api/queue", { headers: { "Accept": "application/json" }, credentials: "same-origin" });
        if (answer.status === 401) { window.location.assign("/login"); return; }
        const data = await answer.json();
        const current = new Map(Array.from(queue.children).map((li) => [li.dataset.id, li]));
        const wanted = [];
        const fresh = [];
        data.items.forEach((item) => {
          const id = String(item.id);
          const existing = current.get(id);
          const keep = existing && (existing.dataset.version === item.version || existing.contains(document.activeElement));
          wanted.push(keep ? existing : node(item));
          if (keep && existing.dataset.version !== item.version) { again = true; }
          if (!seen.has(id)) { fresh.push(item); seen.add(id); }
        });
        current.forEach((li, id) => { if (!wanted.includes(li)) li.remove(); });
        let cursor = queue.firstElementChild;
        wanted.forEach((li) => {
          if (li === cursor) { cursor = cursor.nextElementSibling; }
          else if (li.parentNode === queue && li.contains(document.activeElement)) { /* never move the focus */ }
          else { queue.insertBefore(li, cursor); }
        });
        document.getElementById("empty").hidden = data.items.length > 0;
        const urgent = fresh.filter((item) => item.urgency === "immediate");
        if (urgent.length) {
          const alert = document.getElementById("alert");
          alert.textContent = `Urgence immédiate : ${urgent.length} nouvelle(s) demande(s) en tête de liste.`;
          alert.className = "alert immediate";
          alert.hidden = false;
          beep();
        } else if (fresh.length) {
          announce(`${fresh.length} nouvelle(s) demande(s).`);
        }
      } catch (error) {
        if (liveState) liveState.textContent = "Mise à jour automatique interrompue : nouvel essai…";
      } finally {
        refreshing = false;
        if (again) { again = false; window.setTimeout(refresh, 200); }
      }
    }

    const events = new EventSource("/events");
    events.addEventListener("queue", refresh);
    events.addEventListener("open", () => { if (liveState) liveState.textContent = "Mise à jour automatique : active."; });
    events.addEventListener("error", () => { if (liveState) liveState.textContent = "Mise à jour automatique : reconnexion…"; });

    queue.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!form.classList.contains("js-action")) return;
      event.preventDefault();
      try { await post(form); announce("Enregistré."); refresh(); }
      catch (error) { showError(error.message); }
    });

    queue.addEventListener("toggle", async (event) => {
      const details = event.target;
      if (!details.open || !details.dataset.transcript) return;
      try {
        const answer = await fetch(details.dataset.transcript, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
        if (!answer.ok) return;
        const data = await answer.json();
        const list = details.querySelector("ol.lines");
        list.replaceChildren(...data.lines.map((line) => {
          const li = document.createElement("li");
          li.className = `line ${line.speaker}`;
          const who = document.createElement("span");
          who.className = "who";
          who.textContent = `${line.name}${line.at ? " (" + line.at + ")" : ""} :`;
          li.append(who, " ", line.text);
          return li;
        }));
      } catch (error) { /* the stored transcript stays shown */ }
    }, true);
  }

  // -- a conversation --

  const lines = document.getElementById("lines");
  if (lines && lines.dataset.stream) {
    let after = Number(lines.dataset.after || -1);
    const events = new EventSource(`${lines.dataset.stream}?after=${after}`);
    events.addEventListener("line", (event) => {
      const line = JSON.parse(event.data);
      if (line.index <= after || lines.querySelector(`[data-index="${line.index}"]`)) return;
      after = line.index;
      const li = document.createElement("li");
      li.className = `line ${line.speaker}`;
      li.dataset.index = String(line.index);
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = `${line.name}${line.at ? " (" + line.at + ")" : ""} :`;
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = line.text;
      li.append(who, " ", text);
      lines.append(li);
      if (line.speaker === "patient") announce(`Patient : ${line.text}`);
    });
    const reply = document.getElementById("reply");
    if (reply) {
      reply.addEventListener("submit", async (event) => {
        event.preventDefault();
        const box = document.getElementById("reply-text");
        if (!box.value.trim()) return;
        try { await post(reply); box.value = ""; box.focus(); }
        catch (error) { showError(error.message); }
      });
    }
  }
})();
