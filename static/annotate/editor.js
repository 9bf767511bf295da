// The editor panel: the claim being edited, its form, the claims of the sentence, the details
// panel (attributed to, note, evidence links) and the drafts kept when the reviewer moves away.
export function install(ws) {
  const { store, form, $ } = ws;
  const verdicts = [...form.querySelectorAll('input[name="verdict"]')].map((r) => r.value); // the page's order
  const EMPTY = { id: null, version: null, verdict: null, attributed_to: "", note: "", links: [], span: null };
  const number = (id) => ($(id).value ? Number($(id).value) : null);

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
    const del = $("delete-form");
    if (del) del.hidden = true; // the plain-form delete belongs to the claim the page was loaded with
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
    showDetails(Boolean(draft && draft.detailsOpen) || (store.detailsOpen && !draft));
    renderClaims();
    highlightSpan();
    ws.emit("claim", store.current());
    ws.say(draft ? "Unsaved edits restored for this claim." : "");
  }

  function discard() {
    store.drafts.delete(store.draftKey());
    store.dirty = false;
    store.detailsOpen = false;
    load();
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
    if (field) field.focus();
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
    if (event.target.name === "claim_text") highlightSpan();
  });
  form.addEventListener("change", () => {
    store.dirty = true;
  });
  $("details-toggle").addEventListener("click", () => showDetails(!store.detailsOpen));
  // The plain forms that act on the current sentence follow it (their URLs name sentence 0).
  ws.on("sentence", (s) => {
    document.querySelectorAll("form[data-action-template]").forEach((f) => {
      f.action = f.dataset.actionTemplate.replace("/sentences/0/", "/sentences/" + s.id + "/");
    });
  });
  ws.on("ready", () => {
    // Start on the claim the page was rendered with; open the details where the server found a mistake.
    const rendered = number("annotation_id");
    const claims = store.claimsOf(store.current().id);
    store.claim = rendered ? Math.max(0, claims.findIndex((a) => a.id === rendered)) : claims.length;
    showDetails(Boolean($("details").querySelector(".has-error")));
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
  ws.keys.add(["Escape"], () => {
    if (store.dirty) {
      discard();
      ws.say("Unsaved edits discarded.");
    } else if (store.detailsOpen) {
      showDetails(false);
      ws.say("Details closed.");
    }
  });

  ws.editor = { read, load, stash, discard, openDetails, narrow, verdicts };
}
