// Keyboard-first annotation page. Without this script every action still works as a plain form.
(function () {
  "use strict";
  const dataEl = document.getElementById("workspace-data");
  const form = document.getElementById("annotation-form");
  if (!dataEl || !form) return;

  const data = JSON.parse(dataEl.textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const sentences = data.sentences; // [{id, start, end}] in reading order
  const annotations = data.annotations; // sentence id -> [annotation] (the viewer's claims)
  const drafts = new Map(); // "sentenceId:claimKey" -> unsaved form state
  const $ = (id) => document.getElementById(id);
  const status = $("status");
  const linkRows = $("link-rows");
  const template = $("link-row-template");
  const VERDICTS = ["verified", "unproven", "disputed"];
  const EMPTY = { id: null, version: null, verdict: null, attributed_to: "", note: "", links: [], span: null };
  const params = new URLSearchParams(location.search);
  let index = Math.max(0, sentences.findIndex((s) => s.id === Number(form.action.match(/sentences\/(\d+)\//)[1])));
  let claim = 0; // index into the sentence's claims; === length means a new claim
  let dirty = false;
  let saving = false;
  let detailsOpen = false; // closed, 1/2/3 save and advance in one key; open, they only choose
  const typedAhead = []; // keys pressed while a save was on its way, replayed in order after it
  let lastChange = null; // {sentenceId, before, after} for undo

  document.body.classList.add("js");
  // Sentences are links only for the plain-form page: a link drags instead of letting the mouse
  // select words. Keep one tab stop, on the current sentence (j/k move it).
  document.querySelectorAll("#sentences a.s").forEach((node) => {
    node.removeAttribute("href");
    node.tabIndex = node.classList.contains("current") ? 0 : -1;
    node.setAttribute("role", "button");
  });

  const el = (i) => $("s" + sentences[i].id);
  const current = () => sentences[index];
  const claimsOf = (id) => annotations[String(id)] || [];
  const draftKey = () => current().id + ":" + (claimsOf(current().id)[claim] || {}).id;
  function say(message, kind) { status.textContent = message; status.className = kind || ""; }
  function sentenceText(i) { return el(i).firstChild.textContent; }

  // ----- form state -----------------------------------------------------------
  function readForm() {
    const links = [];
    linkRows.querySelectorAll(".link-row").forEach((row) => {
      const get = (suffix) => row.querySelector('[name$="-' + suffix + '"]').value;
      if (get("url").trim()) {
        links.push({ url: get("url").trim(), title: get("title"), credibility: get("credibility") || null,
                     stance: get("stance") || null, override_reason: get("override_reason") });
      }
    });
    const checked = form.querySelector('input[name="verdict"]:checked');
    return {
      id: $("annotation_id").value ? Number($("annotation_id").value) : null,
      version: $("version").value ? Number($("version").value) : null,
      verdict: checked ? checked.value : null,
      attributed_to: form.elements.attributed_to.value,
      note: form.elements.note.value,
      links: links,
      span: resolveSpan(),
    };
  }

  // The claim's offsets in the article: the selection if it still matches the typed words.
  function resolveSpan() {
    const words = form.elements.claim_text.value.trim();
    if (!words) return null;
    const s = current();
    const text = sentenceText(index);
    const start = Number($("span_start").value), end = Number($("span_end").value);
    if ($("span_start").value && start >= s.start && text.slice(start - s.start, end - s.start) === words) {
      return { start: start, end: end };
    }
    const found = text.indexOf(words);
    return found < 0 ? { invalid: true } : { start: s.start + found, end: s.start + found + words.length };
  }

  function addLinkRow(link) {
    const i = "n" + (addLinkRow.counter = (addLinkRow.counter || 100) + 1);
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[id],[name],[for]").forEach((node) => {
      ["id", "name", "for"].forEach((attr) => {
        if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).replace("__i__", i));
      });
    });
    if (link) {
      row.querySelector('[name$="-url"]').value = link.url || "";
      row.querySelector('[name$="-title"]').value = link.title || "";
      row.querySelector('[name$="-credibility"]').value = link.credibility || "";
      row.querySelector('[name$="-stance"]').value = link.stance || "";
      row.querySelector('[name$="-override_reason"]').value = link.override_reason || "";
      if (link.credibility_source) row.querySelector(".rating").textContent = ratingLabel(link);
      row.dataset.savedUrl = link.url || "";
    }
    linkRows.appendChild(row);
    return row;
  }

  // Where "add a link" types: the first row without a URL, or a new one.
  function blankLinkRow() {
    const rows = [...linkRows.querySelectorAll(".link-row")];
    return rows.find((row) => !row.querySelector('[name$="-url"]').value.trim()) || addLinkRow(null);
  }

  function ratingLabel(link) {
    if (link.credibility_source === "registry") return "Registry: " + (link.source || "entry") + " rates it " + link.credibility;
    return "Reviewer's rating: " + link.credibility + (link.override_reason ? " (" + link.override_reason + ")" : "");
  }

  // What the source registry says about a typed URL; a changed URL drops the old link's rating.
  async function lookUp(row) {
    const url = row.querySelector('[name$="-url"]').value.trim();
    const badge = row.querySelector(".rating");
    if (row.dataset.savedUrl !== undefined && url !== row.dataset.savedUrl) {
      row.querySelector('[name$="-credibility"]').value = "";
      row.querySelector('[name$="-override_reason"]').value = "";
      delete row.dataset.savedUrl;
    }
    if (!/^https?:\/\//i.test(url)) { badge.textContent = url ? "Links must start with http:// or https://." : ""; return; }
    try {
      const response = await fetch("/api/v1/sources/lookup?url=" + encodeURIComponent(url), { credentials: "same-origin" });
      const info = await response.json();
      if (!response.ok) { badge.textContent = (info.error && Object.values(info.error.fields || {})[0]) || info.error.message; return; }
      row.dataset.registry = info.source ? info.credibility : "";
      badge.textContent = info.source
        ? "Registry: " + info.source.name + " rates " + info.host + " " + info.credibility + ". Choosing another rating needs a reason."
        : info.host + " is not in the registry: rated unknown unless you choose.";
    } catch (err) { badge.textContent = ""; }
  }

  function fillForm(state) {
    $("annotation_id").value = state.id || "";
    $("version").value = state.version || "";
    $("span_start").value = state.span ? state.span.start : "";
    $("span_end").value = state.span ? state.span.end : "";
    const s = current();
    form.elements.claim_text.value = state.span && !state.span.invalid ? sentenceText(index).slice(state.span.start - s.start, state.span.end - s.start) : (state.claim_text || "");
    form.querySelectorAll('input[name="verdict"]').forEach((r) => { r.checked = r.value === state.verdict; });
    form.elements.attributed_to.value = state.attributed_to || "";
    form.elements.note.value = state.note || "";
    linkRows.textContent = "";
    (state.links || []).forEach((link) => addLinkRow(link));
    addLinkRow(null);
    const del = $("delete-form");
    if (del) del.hidden = true; // the plain-form delete belongs to the claim the page was loaded with
  }

  function renderClaims() {
    const nav = $("claims");
    const list = claimsOf(current().id);
    nav.textContent = "";
    list.concat([null]).forEach((a, i) => {
      const link = document.createElement("a");
      link.href = "?sentence=" + current().id + "&claim=" + (a ? a.id : "new") + "#editor";
      link.textContent = a ? "Claim " + (i + 1) + ": " + a.verdict : "+ New claim ";
      if (!a) { const k = document.createElement("kbd"); k.textContent = "c"; link.appendChild(k); link.id = "new-claim"; }
      if (i === claim) { link.className = "active"; link.setAttribute("aria-current", "true"); }
      link.addEventListener("click", (event) => { event.preventDefault(); switchClaim(i); });
      nav.appendChild(link);
    });
  }

  function stash() { if (dirty) drafts.set(draftKey(), Object.assign(readForm(), { detailsOpen: detailsOpen })); }

  function load() {
    const draft = drafts.get(draftKey());
    fillForm(draft || claimsOf(current().id)[claim] || EMPTY);
    dirty = Boolean(draft);
    showDetails(Boolean(draft && draft.detailsOpen) || (detailsOpen && !draft));
    renderClaims();
    highlightSpan();
    $("conflict").hidden = true;
    say(draft ? "Unsaved edits restored for this claim." : "");
  }

  function switchClaim(i) {
    stash();
    claim = Math.max(0, Math.min(i, claimsOf(current().id).length));
    load();
  }

  // ----- the details panel (attributed to, note, evidence links) -------------------
  function showDetails(open) {
    detailsOpen = open;
    $("details").hidden = !open;
    $("details-toggle").setAttribute("aria-expanded", String(open));
    $("hint-quick").hidden = open;
    $("hint-details").hidden = !open;
    $("details-summary").textContent = open ? "" : summarize(readForm());
  }

  // What the closed panel holds, so a one-key save never hides what it keeps.
  function summarize(state) {
    const parts = [];
    if (state.attributed_to.trim()) parts.push("attributed to " + state.attributed_to.trim());
    if (state.note.trim()) parts.push("a note");
    if (state.links.length) parts.push(state.links.length + (state.links.length === 1 ? " link" : " links"));
    return parts.length ? parts.join(", ") : "none yet";
  }

  function openDetails(field) {
    showDetails(true);
    if (field) field.focus();
  }

  function chooseVerdict(verdict) {
    form.querySelector('input[name="verdict"][value="' + verdict + '"]').checked = true;
    dirty = true;
    if (detailsOpen) say("Verdict: " + verdict + " (not saved yet; Enter saves).");
    else save(true);
  }

  // ----- moving between sentences -----------------------------------------------
  function select(i, focus) {
    if (i < 0 || i >= sentences.length) return;
    stash();
    el(index).classList.remove("current", "claim-span");
    el(index).removeAttribute("aria-current");
    el(index).tabIndex = -1;
    index = i;
    claim = 0;
    detailsOpen = false;
    const node = el(index);
    node.tabIndex = 0;
    node.classList.add("current");
    node.setAttribute("aria-current", "true");
    $("current-number").textContent = String(index + 1);
    showAnalysis();
    form.action = form.dataset.actionTemplate.replace("/sentences/0/", "/sentences/" + current().id + "/");
    ["merge-form", "split-form"].forEach((id) => {
      const f = $(id);
      if (f) f.action = f.action.replace(/sentences\/\d+\//, "sentences/" + current().id + "/");
    });
    load();
    if (focus !== false) node.focus();
    node.scrollIntoView({ block: "nearest" });
    params.set("sentence", current().id);
    params.delete("claim");
    history.replaceState(null, "", "?" + params.toString());
  }

  // Cue highlights, the check-worthiness hint and the suggested source for the current sentence.
  function showAnalysis() {
    const s = current(), text = sentenceText(index), quote = $("current-text");
    quote.textContent = "";
    let position = 0;
    s.cues.forEach(([start, end, kind]) => {
      if (start < position) return;
      quote.appendChild(document.createTextNode(text.slice(position, start)));
      const mark = document.createElement("mark");
      mark.className = "cue cue-" + kind;
      mark.title = kind + ": " + text.slice(start, end);
      mark.textContent = text.slice(start, end);
      quote.appendChild(mark);
      position = end;
    });
    quote.appendChild(document.createTextNode(text.slice(position)));
    const worth = $("worthiness");  // absent for articles not in English: no cues there
    if (worth) {
      worth.textContent = "Check-worthiness ";
      const score = document.createElement("strong");
      score.textContent = s.score;
      worth.appendChild(score);
      worth.appendChild(document.createTextNode("/100" + (s.why.length ? ": " + s.why.join("; ") : "")));
    }
    $("suggestion").hidden = !s.who;
    $("use-suggestion").textContent = s.who || "";
    const cue = s.cues.find((c) => c[2] === "attribution");
    $("suggestion-cue").textContent = cue ? "(“" + text.slice(cue[0], cue[1]) + "”)" : "";
  }

  function useSuggestion() {
    if (!current().who) { say("No source is suggested for this sentence."); return; }
    form.elements.attributed_to.value = current().who;
    dirty = true;
    showDetails(true);
    say("Attributed to " + current().who + " (not saved yet; choose a verdict, Enter saves).");
  }

  const visible = (i) => !el(i).hidden;
  function step(direction) {
    for (let i = index + direction; i >= 0 && i < sentences.length; i += direction) {
      if (visible(i)) { select(i); return true; }
    }
    return false;
  }
  function nextOpen() {
    for (let k = 1; k <= sentences.length; k++) {
      const i = (index + k) % sentences.length;
      if (!claimsOf(sentences[i].id).length && visible(i)) { select(i); return; }
    }
    say("Every sentence shown has been reviewed.");
  }

  function stateOf(id) {
    const verdicts = new Set(claimsOf(id).map((a) => a.verdict));
    return verdicts.size === 0 ? "open" : verdicts.size === 1 ? [...verdicts][0] : "mixed";
  }

  function updateMark(id, hadClaims) {
    const node = $("s" + id);
    const state = stateOf(id);
    const has = claimsOf(id).length > 0;
    let reviewers = Number(node.dataset.reviewers) + (has && !hadClaims ? 1 : !has && hadClaims ? -1 : 0);
    node.dataset.reviewers = reviewers;
    node.className = node.className.replace(/state-\w+/, "state-" + state);
    node.querySelector(".mark").textContent = (state === "open" ? "" : " [" + state + "]") + (reviewers ? " (" + reviewers + (reviewers === 1 ? " reviewer)" : " reviewers)") : "");
    const reviewed = sentences.filter((x) => claimsOf(x.id).length).length;
    const bar = document.querySelector("#progress progress");
    if (bar) bar.value = reviewed;
    const text = document.querySelector("#progress .progress-text");
    if (text) text.textContent = reviewed + " of " + sentences.length + " reviewed";
    applyFilter();
  }

  function applyFilter() {
    const wanted = $("state-filter").value;
    const match = (s) => (wanted === "worthy" ? s.score >= data.threshold : stateOf(s.id) === wanted);
    sentences.forEach((s, i) => { el(i).hidden = Boolean(wanted) && !match(s) && i !== index; });
  }

  function highlightSpan() {
    const state = readForm();
    el(index).classList.toggle("claim-span", Boolean(state.span && !state.span.invalid));
  }

  // ----- saving and undo -----------------------------------------------------------
  async function send(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = response.status === 204 ? {} : await response.json().catch(() => ({}));
    return { response: response, payload: payload };
  }

  function showError(response, payload) {
    const error = payload.error || { message: "Saving failed (" + response.status + ")." };
    if (response.status === 409 && error.current) {
      $("conflict-message").textContent = error.message;
      $("conflict").hidden = false;
      $("conflict").dataset.version = error.current.version;
      $("conflict").current = error.current;
      say("Not saved: someone else changed this claim.", "error");
      return;
    }
    const fields = Object.entries(error.fields || {}).map(([k, v]) => k.replace(/_/g, " ") + ": " + v).join(" ");
    say("Not saved. " + (fields || error.message), "error");
  }

  async function save(advance, overwrite) {
    if (saving) return;
    const state = readForm();
    if (!state.verdict) { say("Choose a verdict first: 1 verified, 2 unproven, 3 disputed.", "error"); return; }
    if (state.span && state.span.invalid) { say("Not saved. Claim: these words do not occur in the sentence.", "error"); return; }
    const from = index, fromClaim = claim, s = current();
    const list = claimsOf(s.id);
    const before = list[claim] || null;
    const body = { verdict: state.verdict, attributed_to: state.attributed_to, note: state.note, links: state.links, span: state.span };
    let url = "/api/v1/annotations", method = "POST";
    if (state.id) { url += "/" + state.id; method = "PATCH"; body.version = overwrite || state.version; }
    else body.sentence_id = s.id;
    saving = true;
    say("Saving…");
    let result;
    try { result = await send(method, url, body); }
    catch (err) { stopSaving(false); say("Could not reach the server; your edits are kept here. Try saving again.", "error"); return; }
    const { response, payload } = result;
    if (!response.ok) { stopSaving(false); showError(response, payload); return; }
    saving = false;
    const hadClaims = list.length > 0;
    const updated = list.slice();
    updated[fromClaim] = payload;
    annotations[String(s.id)] = updated;
    drafts.delete(s.id + ":" + (before ? before.id : undefined));
    lastChange = { sentenceId: s.id, before: before, after: payload };
    $("undo").hidden = false;
    updateMark(s.id, hadClaims);
    const message = "Saved sentence " + (from + 1) + " as " + payload.verdict + ".";
    if (index !== from) { say(message, "ok"); stopSaving(true); return; } // the reviewer clicked elsewhere meanwhile
    dirty = false;
    detailsOpen = false;
    if (advance && step(1)) say(message, "ok");
    else { claim = fromClaim; load(); say(message, "ok"); }
    stopSaving(true);
  }

  // A failed save drops the keys typed after it: they were meant for the sentence after this one.
  function stopSaving(ok) {
    saving = false;
    if (!ok) { typedAhead.length = 0; return; }
    while (typedAhead.length && !saving) command(typedAhead.shift());
  }

  async function undo() {
    if (!lastChange || saving) return;
    const { sentenceId, before, after } = lastChange;
    saving = true;
    let result;
    try {
      result = before
        ? await send("PATCH", "/api/v1/annotations/" + after.id, { verdict: before.verdict, attributed_to: before.attributed_to, note: before.note, links: before.links, span: before.span, version: after.version })
        : await send("DELETE", "/api/v1/annotations/" + after.id + "?version=" + after.version);
    } catch (err) { stopSaving(false); say("Could not reach the server to undo; try again.", "error"); return; }
    if (!result.response.ok) { stopSaving(false); showError(result.response, result.payload); return; }
    saving = false;
    const list = claimsOf(sentenceId);
    const hadClaims = list.length > 0;
    annotations[String(sentenceId)] = before ? list.map((a) => (a.id === after.id ? result.payload : a)) : list.filter((a) => a.id !== after.id);
    lastChange = null;
    $("undo").hidden = true;
    updateMark(sentenceId, hadClaims);
    select(sentences.findIndex((x) => x.id === sentenceId));
    say(before ? "Undone: the claim is back to " + before.verdict + "." : "Undone: the new claim was removed (it stays in the history).", "ok");
    stopSaving(true);
  }

  // ----- events -----------------------------------------------------------------
  form.addEventListener("input", (event) => { dirty = true; if (event.target.name === "claim_text") highlightSpan(); });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", (event) => { event.preventDefault(); save(true); });
  $("undo").addEventListener("click", undo);
  $("use-suggestion").addEventListener("click", useSuggestion);
  $("add-link").addEventListener("click", () => { blankLinkRow().querySelector("input").focus(); });
  $("details-toggle").addEventListener("click", () => showDetails(!detailsOpen));
  $("state-filter").addEventListener("change", () => {
    applyFilter();
    params.set("state", $("state-filter").value);
    history.replaceState(null, "", "?" + params.toString());
  });
  const next = $("next-open");
  if (next && next.tagName === "A") next.addEventListener("click", (event) => { event.preventDefault(); nextOpen(); });
  linkRows.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.endsWith("-url")) lookUp(event.target.closest(".link-row"));
  });
  linkRows.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove-link")) {
      const row = event.target.closest(".link-row");
      const next = row.nextElementSibling;
      row.remove();
      dirty = true;
      if (!linkRows.querySelector(".link-row")) addLinkRow(null);
      // Keep the keyboard where it was: on the next link, or on "Add a link".
      (next ? next.querySelector("input") : $("add-link")).focus();
      say("Link removed (not saved yet; Enter saves).");
    }
  });
  $("conflict-reload").addEventListener("click", () => {
    const fresh = $("conflict").current;
    const list = claimsOf(current().id).slice();
    list[claim] = fresh;
    annotations[String(current().id)] = list;
    drafts.delete(draftKey());
    dirty = false;
    detailsOpen = false;
    load();
    updateMark(current().id, true);
    say("Loaded the other version; press 1, 2 or 3 to save your verdict over it.");
  });
  $("conflict-overwrite").addEventListener("click", () => {
    $("conflict").hidden = true;
    save(false, Number($("conflict").dataset.version));
  });
  const reader = $("sentences");
  reader.addEventListener("click", (event) => {
    const node = event.target.closest(".s");
    if (!node) return;
    event.preventDefault();
    if (!window.getSelection().isCollapsed) return; // a selection, handled on mouseup
    const i = sentences.findIndex((s) => s.id === Number(node.dataset.id));
    if (i !== index) select(i);
  });
  // Selecting words inside one sentence narrows the claim to them.
  reader.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const node = range.startContainer.parentElement && range.startContainer.parentElement.closest(".s");
    if (!node || range.endContainer !== range.startContainer || range.startContainer !== node.firstChild) {
      say("Select words inside a single sentence to narrow a claim.", "error");
      return;
    }
    const i = sentences.findIndex((s) => s.id === Number(node.dataset.id));
    let start = range.startOffset, end = range.endOffset;
    const text = node.firstChild.textContent;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start === end) return;
    if (i !== index) select(i, false);
    $("span_start").value = sentences[i].start + start;
    $("span_end").value = sentences[i].start + end;
    form.elements.claim_text.value = text.slice(start, end);
    dirty = true;
    highlightSpan();
    say("Claim narrowed to “" + text.slice(start, end) + "”. " + (detailsOpen ? "Choose a verdict and press Enter to save." : "Press 1, 2 or 3 to save it with that verdict."));
    el(index).focus();
  });

  const typing = (t) => t && ((t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox") || t.tagName === "TEXTAREA" || t.tagName === "SELECT");

  // The page's own keys; false for any other key.
  function command(key) {
    switch (key) {
      case "j": case "ArrowDown": step(1); break;
      case "k": case "ArrowUp": step(-1); break;
      case "1": case "2": case "3": chooseVerdict(VERDICTS[Number(key) - 1]); break;
      case "Enter": save(true); break;
      case "a": case "d": openDetails(form.elements.attributed_to); break;
      case "n": openDetails(form.elements.note); break;
      case "l": openDetails(blankLinkRow().querySelector("input")); break;
      case "c": switchClaim(claimsOf(current().id).length); say("New claim: select words or leave the claim empty for the whole sentence."); break;
      case "[": switchClaim(claim - 1); break;
      case "]": switchClaim(claim + 1); break;
      case "u": nextOpen(); break;
      case "s": useSuggestion(); break;
      case "z": undo(); break;
      case "?": { const h = $("help"); h.open = !h.open; break; }
      case "Escape":
        if (dirty) { drafts.delete(draftKey()); dirty = false; detailsOpen = false; load(); say("Unsaved edits discarded."); }
        else if (detailsOpen) { showDetails(false); say("Details closed."); }
        break;
      default: return false;
    }
    return true;
  }
  const KEYS = new Set(["j", "k", "ArrowDown", "ArrowUp", "1", "2", "3", "Enter", "a", "d", "n", "l", "c", "[", "]", "u", "s", "z", "?", "Escape"]);

  document.addEventListener("keydown", (event) => {
    if (event.altKey || (event.metaKey && event.key !== "Enter")) return;
    const t = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); save(true); return; }
    if (event.ctrlKey) return;
    if (typing(t)) {
      if (event.key === "Escape") { t.blur(); el(index).focus(); event.preventDefault(); }
      return;
    }
    if (t && (t.tagName === "BUTTON" || (t.tagName === "A" && !t.classList.contains("s"))) && event.key === "Enter") return;
    if (t && t.tagName === "SUMMARY") return;
    if (!KEYS.has(event.key)) return;
    event.preventDefault();
    // A fast reviewer types the next verdict before the last save is back: keep it for then.
    if (saving) typedAhead.push(event.key);
    else command(event.key);
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty || drafts.size) { event.preventDefault(); event.returnValue = ""; }
  });

  // The plain form offers two empty link rows; with the script one is enough (l adds more).
  let spare = false;
  linkRows.querySelectorAll(".link-row").forEach((row) => {
    const blank = [...row.querySelectorAll("input, select")].every((field) => !field.value);
    if (blank && spare) row.remove();
    spare = spare || blank;
  });

  // Start on the claim the page was rendered with.
  const rendered = Number($("annotation_id").value);
  const list = claimsOf(current().id);
  claim = rendered ? Math.max(0, list.findIndex((a) => a.id === rendered)) : list.length;
  showDetails(Boolean($("details").querySelector(".has-error"))); // open where the server found a mistake
  renderClaims();
  highlightSpan();
  el(index).focus({ preventScroll: true });
})();
