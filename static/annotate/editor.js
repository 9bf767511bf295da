// The editor panel: the claim being edited, its form, the claims of the sentence, the details
// panel (attributed to, note, evidence links) and the drafts kept when the reviewer moves away.
export function install(ws) {
  const { store, form, $ } = ws;
  const verdicts = [...form.querySelectorAll('input[name="verdict"]')].map((r) => r.value); // the page's order
  const EMPTY = { id: null, version: null, verdict: null, attributed_to: "", note: "", links: [], span: null };
  const number = (id) => ($(id).value ? Number($(id).value) : null);
  let discarded = null; // {key, state}: the edits "Discard changes" threw away, for "Undo"

  function read() {
    const checked = form.querySelector('input[name="verdict"]:checked');
    return {
      id: number("annotation_id"),
      version: number("version"),
      verdict: checked ? checked.value : null,
      attributed_to: form.elements.attributed_to.value,
      note: form.elements.note.value,
      links: ws.links.read(),
      span: span(),
    };
  }

  // The claim's offsets in the article for the API, which takes offsets only: the selection
  // (span_start/span_end) while it still holds the typed words, else their first occurrence.
  // Mirrors annotator/services/annotations/annotations.py (claim_span): keep in step.
  function span() {
    const words = form.elements.claim_text.value.trim();
    if (!words) return null;
    const s = store.current();
    const text = ws.reader.textOf(store.index);
    const start = number("span_start");
    const end = number("span_end");
    if (start !== null && start >= s.start && text.slice(start - s.start, end - s.start) === words) {
      return { start: start, end: end };
    }
    const found = text.indexOf(words);
    return found < 0 ? { invalid: true } : { start: s.start + found, end: s.start + found + words.length };
  }

  function fill(state) {
    const s = store.current();
    $("annotation_id").value = state.id || "";
    $("version").value = state.version || "";
    $("span_start").value = state.span ? state.span.start : "";
    $("span_end").value = state.span ? state.span.end : "";
    form.elements.claim_text.value =
      state.span && !state.span.invalid
        ? ws.reader.textOf(store.index).slice(state.span.start - s.start, state.span.end - s.start)
        : state.claim_text || "";
    form.querySelectorAll('input[name="verdict"]').forEach((r) => {
      r.checked = r.value === state.verdict;
    });
    form.elements.attributed_to.value = state.attributed_to || "";
    form.elements.note.value = state.note || "";
    ws.links.fill(state.links || []);
    clearInvalid();
    follow(state.id);
  }

  // The delete button and the history link act on the claim shown (their URLs name claim 0).
  function follow(id) {
    const del = $("delete-form");
    const history = $("history-link");
    del.hidden = !id;
    history.parentElement.hidden = !id;
    if (!id) return;
    del.action = del.dataset.actionTemplate.replace("/annotations/0/", "/annotations/" + id + "/");
    history.href = history.dataset.hrefTemplate.replace("/annotations/0/", "/annotations/" + id + "/");
  }

  // The fields a refused save named (by the API's paths: note, links[1].override_reason, ...):
  // marked invalid, the first one focused (in the details, which open for it).
  function markInvalid(paths) {
    clearInvalid();
    const controls = paths.map(control).filter(Boolean);
    controls.forEach((node) => {
      node.setAttribute("aria-invalid", "true");
      const box = node.closest(".field, fieldset.verdicts");
      if (box) box.classList.add("has-error");
    });
    if (!controls.length) return;
    if ($("details").contains(controls[0])) showDetails(true);
    controls[0].focus({ preventScroll: true });
    controls[0].scrollIntoView({ block: "nearest" });
  }

  function control(path) {
    const link = /^links\[(\d+)\](?:\.(\w+))?$/.exec(path);
    if (link) {
      const row = ws.links.rowOf(Number(link[1]));
      return row && row.querySelector('[name$="-' + (link[2] || "url") + '"]');
    }
    if (path === "verdict") return form.querySelector('input[name="verdict"]');
    const name = { span: "claim_text", matched_from: null }[path];
    return name === null ? null : form.elements[name || path] || null;
  }

  function clearInvalid() {
    form.querySelectorAll('[aria-invalid="true"]').forEach((node) => node.removeAttribute("aria-invalid"));
    form.querySelectorAll(".has-error").forEach((node) => node.classList.remove("has-error"));
  }

  function renderClaims() {
    const nav = $("claims");
    nav.textContent = "";
    store.claimsOf(store.current().id).concat([null]).forEach((a, i) => {
      const link = document.createElement("a");
      link.href = "?sentence=" + store.current().id + "&claim=" + (a ? a.id : "new") + "#editor";
      link.textContent = a ? "Claim " + (i + 1) + ": " + a.verdict : "+ New claim ";
      if (!a) {
        const key = document.createElement("kbd");
        key.textContent = "c";
        link.appendChild(key);
        link.id = "new-claim";
      }
      if (i === store.claim) {
        link.className = "active";
        link.setAttribute("aria-current", "true");
      }
      link.addEventListener("click", (event) => {
        event.preventDefault();
        switchClaim(i);
      });
      nav.appendChild(link);
    });
  }

  function stash() {
    if (store.dirty) store.drafts.set(store.draftKey(), Object.assign(read(), { detailsOpen: store.detailsOpen }));
  }

  // Show the current claim: its draft if the reviewer left one, else what is saved.
  function load() {
    const draft = store.drafts.get(store.draftKey());
    fill(draft || store.claimsOf(store.current().id)[store.claim] || EMPTY);
    store.dirty = Boolean(draft);
    $("undo-discard").hidden = true;
    showDiscard();
    showDetails(Boolean(draft && draft.detailsOpen) || (store.detailsOpen && !draft));
    renderClaims();
    highlightSpan();
    ws.emit("claim", store.current());
    ws.say(draft ? "Unsaved edits restored for this claim." : "");
  }

  // Throw away the claim's unsaved edits; `keep` holds them for "Undo" (a deliberate click, never a key).
  function discard(keep) {
    const thrown = keep && store.dirty ? Object.assign(read(), { detailsOpen: store.detailsOpen }) : null;
    const key = store.draftKey();
    store.drafts.delete(key);
    store.dirty = false;
    store.detailsOpen = false;
    load();
    if (thrown) {
      discarded = { key: key, state: thrown };
      $("undo-discard").hidden = false;
      ws.say("Changes discarded.");
    }
  }

  function undoDiscard() {
    if (!discarded || discarded.key !== store.draftKey()) return;
    const { state } = discarded;
    discarded = null;
    fill(state);
    store.dirty = true;
    showDetails(state.detailsOpen);
    highlightSpan();
    showDiscard();
    ws.say("Your changes are back (not saved yet; Enter saves).");
  }

  // "Discard changes" shows while there is something to discard; "Undo" only right after.
  function showDiscard() {
    $("discard").hidden = !store.dirty;
    if (store.dirty) $("undo-discard").hidden = true;
  }

  function switchClaim(i) {
    stash();
    store.claim = Math.max(0, Math.min(i, store.claimsOf(store.current().id).length));
    load();
  }

  function showDetails(open) {
    store.detailsOpen = open;
    $("details").hidden = !open;
    $("details-toggle").setAttribute("aria-expanded", String(open));
    $("hint-quick").hidden = open;
    $("hint-details").hidden = !open;
    $("details-summary").textContent = open ? "" : summarize(read());
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
    if (!field) return;
    field.focus();
    // Type on after what is there: the caret goes to the end (a rendered textarea starts it at 0).
    if (typeof field.setSelectionRange === "function" && field.type !== "url") {
      field.setSelectionRange(field.value.length, field.value.length);
    }
  }

  function chooseVerdict(verdict) {
    form.querySelector('input[name="verdict"][value="' + verdict + '"]').checked = true;
    store.dirty = true;
    if (store.detailsOpen) ws.say("Verdict: " + verdict + " (not saved yet; Enter saves).");
    else ws.saving.save(true);
  }

  function highlightSpan() {
    const claim = span();
    ws.reader.currentNode().classList.toggle("claim-span", Boolean(claim && !claim.invalid));
  }

  // The reviewer selected text start..end (offsets in the current sentence): the claim is those words.
  function narrow(start, end) {
    const s = store.current();
    const words = ws.reader.textOf(store.index).slice(start, end);
    $("span_start").value = s.start + start;
    $("span_end").value = s.start + end;
    form.elements.claim_text.value = words;
    store.dirty = true;
    highlightSpan();
    ws.emit("span", s);
    ws.say(
      "Claim narrowed to “" + words + "”. " +
        (store.detailsOpen ? "Choose a verdict and press Enter to save." : "Press 1, 2 or 3 to save it with that verdict."),
    );
  }

  form.addEventListener("input", (event) => {
    store.dirty = true;
    event.target.removeAttribute("aria-invalid");
    if (event.target.name === "claim_text") highlightSpan();
  });
  form.addEventListener("change", () => {
    store.dirty = true;
  });
  ws.on("dirty", showDiscard); // any module's edit (a link removed, a match copied) can be discarded
  $("discard").addEventListener("click", () => discard(true));
  $("undo-discard").addEventListener("click", undoDiscard);
  $("details-toggle").addEventListener("click", () => showDetails(!store.detailsOpen));
  // The phone's verdict bar: a tap saves that verdict (with whatever the details hold) and goes on.
  $("verdict-bar").querySelectorAll("button[data-verdict]").forEach((button) => {
    button.addEventListener("click", () => {
      chooseVerdict(button.dataset.verdict);
      if (store.detailsOpen) ws.saving.save(true);
    });
  });
  $("bar-details").addEventListener("click", () => {
    showDetails(true);
    $("editor").scrollIntoView({ block: "start" });
  });
  // The plain forms that act on the current sentence follow it (their URLs name sentence 0).
  ws.on("sentence", (s) => {
    $("bar-number").textContent = String(store.index + 1);
    document.querySelectorAll('form[data-action-template*="/sentences/0/"]').forEach((f) => {
      f.action = f.dataset.actionTemplate.replace("/sentences/0/", "/sentences/" + s.id + "/");
    });
  });
  ws.on("ready", () => {
    // Start on the claim the page was rendered with; open the details where the server found a mistake.
    const rendered = number("annotation_id");
    const claims = store.claimsOf(store.current().id);
    store.claim = rendered ? Math.max(0, claims.findIndex((a) => a.id === rendered)) : claims.length;
    showDetails(Boolean($("details").querySelector(".has-error")));
    follow(rendered);
    renderClaims();
    highlightSpan();
  });

  verdicts.forEach((verdict, i) => ws.keys.add([String(i + 1)], () => chooseVerdict(verdict)));
  ws.keys.add(["a", "d"], () => openDetails(form.elements.attributed_to));
  ws.keys.add(["n"], () => openDetails(form.elements.note));
  ws.keys.add(["c"], () => {
    switchClaim(store.claimsOf(store.current().id).length);
    ws.say("New claim: select words or leave the claim empty for the whole sentence.");
  });
  ws.keys.add(["["], () => switchClaim(store.claim - 1));
  ws.keys.add(["]"], () => switchClaim(store.claim + 1));
  // Escape never throws work away: it leaves a field (annotate.js), then closes the details; the
  // edits stay as this claim's draft until saved or discarded with the "Discard changes" button.
  const KEPT = "Your edits are kept, not saved yet: Enter saves, “Discard changes” throws them away.";
  ws.keys.add(["Escape"], () => {
    if (store.detailsOpen) {
      showDetails(false);
      ws.say(store.dirty ? "Details closed. " + KEPT : "Details closed.");
    } else if (store.dirty) {
      ws.say(KEPT);
    }
  });

  ws.editor = { read, load, stash, discard, openDetails, narrow, verdicts, markInvalid };
}
