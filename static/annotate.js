// Keyboard-first annotation page. Without this script every action still works as a plain form.
(function () {
  "use strict";
  const dataEl = document.getElementById("workspace-data");
  const form = document.getElementById("annotation-form");
  if (!dataEl || !form) return;

  const data = JSON.parse(dataEl.textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const sentences = data.sentences;
  const annotations = data.annotations; // sentence id -> [annotation]
  const drafts = new Map(); // sentence id -> unsaved form state
  const $ = (id) => document.getElementById(id);
  const status = $("status");
  const linkRows = $("link-rows");
  const template = $("link-row-template");
  const VERDICTS = ["verified", "unproven", "disputed"];
  let index = Math.max(0, sentences.findIndex((s) => s.id === Number(form.action.match(/sentences\/(\d+)\//)[1])));
  let dirty = false;
  let saving = false;

  document.body.classList.add("js");

  function el(i) { return $("s" + sentences[i].id); }
  function current() { return sentences[index]; }
  function say(message, kind) {
    status.textContent = message;
    status.className = kind || "";
  }

  // ----- form state -------------------------------------------------------
  function readForm() {
    const links = [];
    linkRows.querySelectorAll(".link-row").forEach((row) => {
      const get = (suffix) => row.querySelector('[name$="-' + suffix + '"]').value;
      if (get("url").trim()) {
        links.push({ url: get("url").trim(), title: get("title"), credibility: get("credibility"), stance: get("stance") || null });
      }
    });
    const checked = form.querySelector('input[name="verdict"]:checked');
    const start = $("span_start").value, end = $("span_end").value;
    return {
      id: $("annotation_id").value ? Number($("annotation_id").value) : null,
      version: $("version").value ? Number($("version").value) : null,
      verdict: checked ? checked.value : null,
      attributed_to: form.elements.attributed_to.value,
      note: form.elements.note.value,
      links: links,
      span: start && end ? { start: Number(start), end: Number(end) } : null,
    };
  }

  function addLinkRow(link) {
    const i = linkRows.querySelectorAll(".link-row").length + Date.now() % 100000;
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[id],[name],[for]").forEach((node) => {
      ["id", "name", "for"].forEach((attr) => {
        if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).replace("__i__", i));
      });
    });
    if (link) {
      row.querySelector('[name$="-url"]').value = link.url || "";
      row.querySelector('[name$="-title"]').value = link.title || "";
      row.querySelector('[name$="-credibility"]').value = link.credibility || "unknown";
      row.querySelector('[name$="-stance"]').value = link.stance || "";
    }
    linkRows.appendChild(row);
    return row;
  }

  function fillForm(state) {
    $("annotation_id").value = state.id || "";
    $("version").value = state.version || "";
    $("span_start").value = state.span ? state.span.start : "";
    $("span_end").value = state.span ? state.span.end : "";
    form.querySelectorAll('input[name="verdict"]').forEach((r) => { r.checked = r.value === state.verdict; });
    form.elements.attributed_to.value = state.attributed_to || "";
    form.elements.note.value = state.note || "";
    linkRows.textContent = "";
    (state.links || []).forEach((link) => addLinkRow(link));
    addLinkRow(null);
    const del = $("delete-form");
    if (del) del.hidden = !state.id || del.dataset.for !== String(state.id);
  }

  function savedState(sentenceId) {
    const list = annotations[String(sentenceId)] || [];
    return list[0] || { id: null, version: null, verdict: null, attributed_to: "", note: "", links: [], span: null };
  }

  // ----- moving between sentences ---------------------------------------------
  function select(i, focus) {
    if (i < 0 || i >= sentences.length) return;
    if (dirty) drafts.set(current().id, readForm());
    el(index).classList.remove("current");
    el(index).removeAttribute("aria-current");
    index = i;
    const s = current();
    const node = el(index);
    node.classList.add("current");
    node.setAttribute("aria-current", "true");
    $("current-number").textContent = String(Number(node.dataset.index) + 1);
    $("current-text").textContent = node.firstChild.textContent;
    form.action = form.dataset.actionTemplate.replace("/sentences/0/", "/sentences/" + s.id + "/");
    const draft = drafts.get(s.id);
    fillForm(draft || savedState(s.id));
    dirty = Boolean(draft);
    $("conflict").hidden = true;
    say(draft ? "Unsaved edits restored for this sentence." : "");
    if (focus !== false) node.focus({ preventScroll: false });
    node.scrollIntoView({ block: "nearest" });
    history.replaceState(null, "", "?sentence=" + s.id);
  }

  function updateMark(sentenceId) {
    const node = $("s" + sentenceId);
    const list = annotations[String(sentenceId)] || [];
    const verdicts = new Set(list.map((a) => a.verdict));
    const state = verdicts.size === 0 ? "open" : verdicts.size === 1 ? [...verdicts][0] : "mixed";
    node.className = node.className.replace(/state-\w+/, "state-" + state);
    node.querySelector(".mark").textContent = state === "open" ? "" : " [" + state + "]";
    const reviewed = sentences.filter((x) => (annotations[String(x.id)] || []).length).length;
    const bar = document.querySelector("#progress progress");
    if (bar) bar.value = reviewed;
    const text = document.querySelector("#progress .progress-text");
    if (text) text.textContent = reviewed + " of " + sentences.length + " reviewed";
  }

  // ----- saving ---------------------------------------------------------------
  async function save(advance, overwrite) {
    if (saving) return;
    const state = readForm();
    if (!state.verdict) { say("Choose a verdict first: 1 verified, 2 unproven, 3 disputed.", "error"); return; }
    const s = current();
    const body = { verdict: state.verdict, attributed_to: state.attributed_to, note: state.note, links: state.links, span: state.span };
    let url = "/api/v1/annotations", method = "POST";
    if (state.id) {
      url += "/" + state.id; method = "PATCH";
      body.version = overwrite ? overwrite : state.version;
    } else {
      body.sentence_id = s.id;
    }
    saving = true;
    say("Saving…");
    let response;
    try {
      response = await fetch(url, {
        method: method,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
    } catch (err) {
      saving = false;
      say("Could not reach the server; your edits are kept here. Try saving again.", "error");
      return;
    }
    saving = false;
    const payload = await response.json().catch(() => ({}));
    if (response.ok) {
      annotations[String(s.id)] = [payload].concat((annotations[String(s.id)] || []).slice(1));
      drafts.delete(s.id);
      dirty = false;
      updateMark(s.id);
      say("Saved sentence " + (s.index === undefined ? index + 1 : index + 1) + " as " + payload.verdict + ".", "ok");
      if (advance && index < sentences.length - 1) { select(index + 1); say("Saved the previous sentence as " + payload.verdict + ".", "ok"); }
      else fillForm(payload);
      return;
    }
    const error = payload.error || { message: "Saving failed (" + response.status + ")." };
    if (response.status === 409 && error.current) {
      $("conflict-message").textContent = error.message;
      $("conflict").hidden = false;
      $("conflict").dataset.version = error.current.version;
      $("conflict").current = error.current;
      say("Not saved: someone else changed this annotation.", "error");
      return;
    }
    const fields = Object.entries(error.fields || {}).map(([k, v]) => k.replace(/_/g, " ") + ": " + v).join(" ");
    say("Not saved. " + (fields || error.message), "error");
  }

  // ----- events ---------------------------------------------------------------
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", (event) => { event.preventDefault(); save(true); });
  $("add-link").addEventListener("click", () => { addLinkRow(null).querySelector("input").focus(); });
  linkRows.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove-link")) {
      event.target.closest(".link-row").remove();
      dirty = true;
      if (!linkRows.querySelector(".link-row")) addLinkRow(null);
      say("Link removed (not saved yet).");
    }
  });
  $("conflict-reload").addEventListener("click", () => {
    const fresh = $("conflict").current;
    annotations[String(current().id)] = [fresh];
    drafts.delete(current().id);
    fillForm(fresh);
    dirty = false;
    updateMark(current().id);
    $("conflict").hidden = true;
    say("Loaded the other reviewer's version.");
  });
  $("conflict-overwrite").addEventListener("click", () => {
    $("conflict").hidden = true;
    save(false, Number($("conflict").dataset.version));
  });
  document.getElementById("sentences").addEventListener("click", (event) => {
    const node = event.target.closest(".s");
    if (!node) return;
    event.preventDefault();
    select(sentences.findIndex((s) => s.id === Number(node.dataset.id)));
  });

  const typing = (t) => t && (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey && event.key !== "Enter") return;
    const t = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); save(true); return; }
    if (event.ctrlKey) return;
    if (typing(t)) {
      if (event.key === "Escape") { t.blur(); el(index).focus(); event.preventDefault(); }
      return;
    }
    if (t && t.tagName === "BUTTON" && event.key === "Enter") return;
    switch (event.key) {
      case "j": case "ArrowDown": select(index + 1); break;
      case "k": case "ArrowUp": select(index - 1); break;
      case "1": case "2": case "3": {
        const v = VERDICTS[Number(event.key) - 1];
        form.querySelector('input[name="verdict"][value="' + v + '"]').checked = true;
        dirty = true;
        say("Verdict: " + v + " (not saved yet; Enter saves).");
        break;
      }
      case "Enter": save(true); break;
      case "a": form.elements.attributed_to.focus(); break;
      case "n": form.elements.note.focus(); break;
      case "l": addLinkRow(null).querySelector("input").focus(); break;
      case "?": { const h = $("help"); h.open = !h.open; break; }
      case "Escape":
        if (dirty) { drafts.delete(current().id); fillForm(savedState(current().id)); dirty = false; say("Unsaved edits discarded."); }
        break;
      default: return;
    }
    event.preventDefault();
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty || drafts.size) { event.preventDefault(); event.returnValue = ""; }
  });

  const del = $("delete-form");
  if (del) del.dataset.for = $("annotation_id").value;
  el(index).focus({ preventScroll: true });
})();
