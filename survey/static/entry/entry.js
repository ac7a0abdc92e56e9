// Paper-form entry: skip logic, keys 1–9, form-number check, and an offline queue (IndexedDB) that is
// sent to the server when the network returns. Without this script the page still posts normally.
(() => {
  "use strict";
  const app = document.getElementById("entry-app");
  if (!app) return;
  const texts = JSON.parse(app.dataset.texts || "{}");
  const me = app.dataset.user;
  const CACHE = "entry-v1";
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const $ = (id) => document.getElementById(id);

  // --- Skip logic: the same expression tree the server evaluates (survey/entry/logic.py).
  function asNumber(text) {
    if (typeof text !== "string" || text.includes("_") || text.trim() === "") return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  function holds(node, answers) {
    if (node === null) return true;
    const [op, ...args] = node;
    if (op === "and") return args.every((a) => holds(a, answers));
    if (op === "or") return args.some((a) => holds(a, answers));
    if (op === "not") return !holds(args[0], answers);
    const value = answers[args[0]];
    if (op === "answered") return value !== undefined && value !== "";
    if (op === "selected") return value !== undefined && value.split(/\s+/).includes(args[1]);
    if (value === undefined || value === "") return false;
    if (op === "in") return args[1].includes(value);
    if (op === "not in") return !args[1].includes(value);
    if (op === "==") return value === args[1];
    if (op === "!=") return value !== args[1];
    const a = asNumber(value), b = asNumber(args[1]);
    if (a === null || b === null) return false;
    return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
  }
  window.surveyEntry = { holds };

  // --- The offline shell: the service worker, and this page and its files in the cache.
  async function prepareOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    try {
      await navigator.serviceWorker.register(app.dataset.sw);
      await navigator.serviceWorker.ready;
      const cache = await caches.open(CACHE);
      const urls = JSON.parse(app.dataset.offlineUrls || "[]");
      await Promise.all(urls.map(async (url) => {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok && !response.redirected) await cache.put(url, response);
      }));
      app.dataset.offlineReady = "true";
      if ($("offline-ready")) $("offline-ready").textContent = texts.offline_ready;
    } catch (err) {
      app.dataset.offlineReady = "false";
    }
  }

  // --- The queue of keyed forms on this device.
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("survey-entry", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("queue", { keyPath: "uuid" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function withStore(mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction("queue", mode);
      const request = work(tx.objectStore("queue"));
      tx.oncomplete = () => { db.close(); resolve(request.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    });
  }
  const queue = {
    all: () => withStore("readonly", (s) => s.getAll()),
    put: (record) => withStore("readwrite", (s) => s.put(record)),
    remove: (uuid) => withStore("readwrite", (s) => s.delete(uuid)),
  };
  const mine = async () => (await queue.all()).filter((r) => r.user === me);

  const form = $("entry-form");
  const logic = form ? JSON.parse($("entry-logic").textContent) : null;
  let editing = null;

  function setStatus(text) { if ($("sync-status")) $("sync-status").textContent = text; }

  async function refresh() {
    const records = await mine();
    const section = app.querySelector(".queue");
    app.dataset.waiting = String(records.length);
    if (!section) return;
    section.hidden = false;
    $("queue-count").textContent = fill(records.length === 1 ? texts.waiting_one : texts.waiting_many,
      { n: records.length });
    const list = $("rejected");
    list.replaceChildren();
    for (const record of records.filter((r) => r.errors)) {
      const li = document.createElement("li");
      li.className = "rejected";
      const title = document.createElement("p");
      title.textContent = fill(texts.rejected, { number: record.paper_form_number });
      const reasons = document.createElement("ul");
      for (const error of Object.values(record.errors)) {
        const reason = document.createElement("li");
        reason.textContent = error.label ? `${error.label}: ${error.message}` : error.message;
        reasons.append(reason);
      }
      const fix = button(texts.fix, () => loadIntoForm(record));
      const drop = button(texts.discard, async () => {
        if (window.confirm(fill(texts.confirm_discard, { number: record.paper_form_number }))) {
          await queue.remove(record.uuid);
          refresh();
        }
      });
      li.append(title, reasons, fix, drop);
      list.append(li);
    }
  }
  function button(text, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary";
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  // --- Sending: every form of this clerk without reasons against it, in one request.
  let syncing = false;
  async function sync() {
    if (syncing) return;
    syncing = true;
    try {
      const records = (await mine()).filter((r) => !r.errors);
      if (!records.length) return;
      const session = await fetch(app.dataset.sessionUrl, {
        headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
      if (session.status === 401) return expired();
      if (!session.ok) throw new Error(`session: ${session.status}`);
      const token = (await session.json()).csrf_token;
      const response = await fetch(app.dataset.syncUrl, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ forms: records.map(({ user, errors, ...sent }) => sent) }),
      });
      if (response.status === 401) return expired();
      if (!response.ok) throw new Error(`sync: ${response.status}`);
      let refused = 0;
      for (const result of (await response.json()).results) {
        const record = records.find((r) => r.uuid === result.uuid);
        if (!record) continue;
        if (result.status === "accepted") {
          await queue.remove(record.uuid);
        } else {
          refused += 1;
          await queue.put({ ...record, errors: result.errors });
        }
      }
      setStatus(refused ? fill(texts.some_refused, { n: refused }) : texts.sent);
    } catch (err) {
      setStatus(texts.offline);
    } finally {
      syncing = false;
      await refresh();
    }
  }
  function expired() {
    const status = $("sync-status");
    if (!status) return;
    status.replaceChildren(texts.expired + " ");
    const link = document.createElement("a");
    link.href = app.dataset.loginUrl;
    link.textContent = texts.sign_in;
    status.append(link);
  }

  prepareOffline();
  refresh();
  if (!form) return;

  // --- The entry form.
  const blocks = () => [...form.querySelectorAll(".entry-head > .field, .question")].filter((b) => !b.hidden);
  const inputs = (itemId) => [...form.querySelectorAll(`[name="q_${itemId}"]`)];

  function rawValues(itemId) {
    return inputs(itemId).flatMap((el) => {
      if (el.type === "radio" || el.type === "checkbox") return el.checked ? [el.value] : [];
      return el.value.trim() ? [el.value] : [];
    });
  }
  function canonical(item, raw) {
    if (item.type === "multiple_choice") return raw.join(" ");
    const text = raw[0].trim();
    if (item.type === "number") {
      const n = Number(text.replace(",", "."));
      return Number.isInteger(n) ? String(n) : text;
    }
    return text;
  }
  function applyRelevance() {
    const seen = {};
    for (const item of logic.items) {
      const box = $(`item-${item.id}`);
      const show = holds(item.relevant, seen);
      box.hidden = !show;
      box.querySelectorAll("input, select, textarea").forEach((el) => { el.disabled = !show; });
      const raw = show ? rawValues(item.id) : [];
      if (raw.length) seen[item.id] = canonical(item, raw);
    }
  }
  function collect() {
    const answers = {};
    for (const item of logic.items) {
      if ($(`item-${item.id}`).hidden) continue;
      const raw = rawValues(item.id);
      if (raw.length) answers[item.id] = raw;
    }
    return answers;
  }
  function focusBlock(block) {
    if (!block) return form.querySelector("[type=submit]").focus();
    const control = block.querySelector("input:checked") || block.querySelector("input, select, textarea");
    control.focus();
  }
  function moveNext(block) {
    const all = blocks();
    focusBlock(all[all.indexOf(block) + 1]);
  }

  form.addEventListener("change", applyRelevance);
  form.addEventListener("input", applyRelevance);
  form.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "Enter" && !event.isComposing) {
      if (target.tagName === "BUTTON" || (target.tagName === "TEXTAREA" && event.shiftKey)) return;
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.key === "Tab" && !event.shiftKey && target.type === "checkbox") {
      // Tab leaves a group of checkboxes at once, as it leaves a group of radio buttons.
      event.preventDefault();
      moveNext(target.closest(".question"));
      return;
    }
    if (!/^[1-9]$/.test(event.key) || event.ctrlKey || event.altKey || event.metaKey) return;
    if (target.type !== "radio" && target.type !== "checkbox") return;
    event.preventDefault();
    const block = target.closest(".entry-head > .field, .question");
    const pick = [...block.querySelectorAll(`input[name="${target.name}"]`)][Number(event.key) - 1];
    if (!pick) return;
    if (target.type === "radio") {
      pick.checked = true;
      applyRelevance();
      moveNext(block);
    } else {
      pick.checked = !pick.checked;
      applyRelevance();
      pick.focus();
    }
  });

  // Say, as the number is typed, whether this keying is the first or the second of the form.
  const number = form.elements.paper_form_number;
  let timer = null;
  number.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(checkNumber, 250);
  });
  // A number this clerk keyed already, or one keyed twice, stops the clerk before the answers.
  const questions = $("entry-questions");
  function showNumberState(text, stop) {
    const state = $("form-number-state");
    state.textContent = text;
    state.className = `number-state${text ? (stop ? " stop" : " go") : ""}`;
    questions.disabled = stop;
    app.dataset.numberStop = String(stop);
  }
  async function checkNumber() {
    const value = number.value.trim();
    if (!value) { showNumberState("", false); return; }
    try {
      const url = `${app.dataset.checkUrl}?number=${encodeURIComponent(value)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      if (number.value.trim() !== value) return;
      showNumberState(answer.message, ["yours", "done", "invalid"].includes(answer.state));
      const kind = { first: "first", second: "second" }[answer.state];
      if (kind) form.querySelector(`[name=entry_kind][value=${kind}]`).checked = true;
    } catch (err) {
      showNumberState(texts.cannot_check, false);
    }
  }

  function loadIntoForm(record) {
    form.reset();
    editing = record.uuid;
    number.value = record.paper_form_number;
    checkNumber();
    form.elements.interview_date.value = record.interview_date || "";
    form.querySelector(`[name=entry_kind][value=${record.entry_kind}]`).checked = true;
    for (const [itemId, values] of Object.entries(record.answers)) {
      for (const el of inputs(itemId)) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = values.includes(el.value);
        else el.value = values[0];
      }
    }
    applyRelevance();
    number.focus();
    number.scrollIntoView();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    applyRelevance();
    const value = number.value.trim();
    if (!value || questions.disabled) {
      if (!value) showNumberState(texts.need_number, false);
      number.focus();
      return;
    }
    const kind = form.querySelector("[name=entry_kind]:checked");
    // A form refused by the server was never stored there, so its identifier can be used again.
    await queue.put({
      uuid: editing || crypto.randomUUID(), user: me, batch_id: Number(app.dataset.batch),
      paper_form_number: value, entry_kind: kind ? kind.value : "first",
      interview_date: form.elements.interview_date.value,
      questionnaire_id: logic.questionnaire, questionnaire_version: logic.version,
      answers: collect(), keyed_at: new Date().toISOString(), errors: null,
    });
    editing = null;
    form.reset();
    if (kind) kind.checked = true;  // a clerk doing second entries keeps doing them
    applyRelevance();
    showNumberState("", false);
    setStatus(fill(texts.saved, { number: value }));
    number.focus();
    window.scrollTo(0, 0);
    await refresh();
    sync();
  });

  applyRelevance();
  window.addEventListener("online", sync);
  setInterval(sync, 30000);
  sync();
})();
