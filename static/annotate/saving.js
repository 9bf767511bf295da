// Saving the claim through the API, undoing the last save, and a conflict when someone else
// saved the claim first. The page keeps the annotation the API answered, not the form it sent.
export function install(ws) {
  const { store, form, $ } = ws;
  const conflict = $("conflict");
  let theirs = null; // after a conflict: the annotation as the server has it now

  function showError(response, payload) {
    const error = payload.error || { message: ws.t("Saving failed ({status}).", { status: response.status }) };
    if (response.status === 409 && error.current) {
      theirs = error.current;
      $("conflict-message").textContent = error.message;
      conflict.hidden = false;
      ws.say(ws.t("Not saved: someone else changed this claim."), "error");
      return;
    }
    const fields = Object.entries(error.fields || {})
      .map(([k, v]) => k.replace(/_/g, " ") + ": " + v)
      .join(" ");
    ws.say(ws.t("Not saved. {reason}", { reason: fields || error.message }), "error");
  }

  // The save is over: on success replay the keys typed meanwhile; a failed save drops them,
  // they were meant for the sentence after this one.
  function stopSaving(ok) {
    store.saving = false;
    ws.keys.afterSave(ok);
  }

  // Save the form; `advance` goes on to the next sentence; `overwrite` is the version to save over;
  // `extra` adds fields the form has not (matched_from, from the "Seen before" panel). Resolves
  // to the saved annotation, or undefined when nothing was saved.
  async function save(advance, overwrite, extra) {
    if (store.saving) return;
    const state = ws.editor.read();
    if (!state.verdict) {
      ws.say(ws.t("Choose a verdict first: {keys}.", { keys: ws.editor.verdicts.map((v, i) => i + 1 + " " + ws.word(v)).join(", ") }), "error");
      return;
    }
    if (state.span && state.span.invalid) {
      ws.say(ws.t("Not saved. Claim: these words do not occur in the sentence."), "error");
      return;
    }
    const from = store.index;
    const fromClaim = store.claim;
    const s = store.current();
    const claims = store.claimsOf(s.id);
    const before = claims[fromClaim] || null;
    const body = { verdict: state.verdict, attributed_to: state.attributed_to, note: state.note, links: state.links, span: state.span, ...extra };
    store.saving = true;
    ws.say(ws.t("Saving…"));
    let result;
    try {
      result = state.id
        ? await ws.api.update(state.id, Object.assign(body, { version: overwrite || state.version }))
        : await ws.api.create(Object.assign(body, { sentence_id: s.id }));
    } catch (err) {
      stopSaving(false);
      ws.say(ws.t("Could not reach the server; your edits are kept here. Try saving again."), "error");
      return;
    }
    const { response, payload } = result;
    if (!response.ok) {
      stopSaving(false);
      showError(response, payload);
      return;
    }
    store.saving = false;
    const updated = claims.slice();
    updated[fromClaim] = payload;
    store.setClaims(s.id, updated);
    store.drafts.delete(s.id + ":" + (before ? before.id : undefined));
    store.lastChange = { sentenceId: s.id, before: before, after: payload };
    $("undo").hidden = false;
    ws.reader.claimsChanged(s.id, claims.length > 0);
    const message = ws.t("Saved sentence {n} as {verdict}.", { n: from + 1, verdict: ws.word(payload.verdict) });
    if (store.index !== from) {
      // the reviewer clicked elsewhere meanwhile
      ws.say(message, "ok");
      stopSaving(true);
      return payload;
    }
    store.dirty = false;
    store.detailsOpen = false;
    if (!(advance && ws.reader.step(1))) {
      store.claim = fromClaim;
      ws.editor.load();
    }
    ws.say(message, "ok");
    stopSaving(true);
    return payload;
  }

  async function undo() {
    if (!store.lastChange || store.saving) return;
    const { sentenceId, before, after } = store.lastChange;
    store.saving = true;
    let result;
    try {
      result = before
        ? await ws.api.update(after.id, {
            verdict: before.verdict,
            attributed_to: before.attributed_to,
            note: before.note,
            links: before.links,
            span: before.span,
            matched_from: before.matched_from ?? null,
            version: after.version,
          })
        : await ws.api.remove(after.id, after.version);
    } catch (err) {
      stopSaving(false);
      ws.say(ws.t("Could not reach the server to undo; try again."), "error");
      return;
    }
    if (!result.response.ok) {
      stopSaving(false);
      showError(result.response, result.payload);
      return;
    }
    store.saving = false;
    const claims = store.claimsOf(sentenceId);
    store.setClaims(
      sentenceId,
      before ? claims.map((a) => (a.id === after.id ? result.payload : a)) : claims.filter((a) => a.id !== after.id),
    );
    store.lastChange = null;
    $("undo").hidden = true;
    ws.reader.claimsChanged(sentenceId, claims.length > 0);
    ws.reader.select(store.indexOf(sentenceId));
    ws.say(
      before
        ? ws.t("Undone: the claim is back to {verdict}.", { verdict: ws.word(before.verdict) })
        : ws.t("Undone: the new claim was removed (it stays in the history)."),
      "ok",
    );
    stopSaving(true);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(true);
  });
  $("undo").addEventListener("click", undo);
  $("conflict-reload").addEventListener("click", () => {
    const claims = store.claimsOf(store.current().id).slice();
    claims[store.claim] = theirs;
    store.setClaims(store.current().id, claims);
    ws.editor.discard();
    ws.reader.claimsChanged(store.current().id, true);
    ws.say(ws.t("Loaded the other version; press 1, 2 or 3 to save your verdict over it."));
  });
  $("conflict-overwrite").addEventListener("click", () => {
    conflict.hidden = true;
    save(false, theirs.version);
  });
  ws.on("claim", () => {
    conflict.hidden = true; // a conflict belongs to the claim that was shown
  });
  ws.keys.add(["Enter"], () => save(true));
  ws.keys.add(["z"], undo);
  window.addEventListener("beforeunload", (event) => {
    if (store.dirty || store.drafts.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  ws.saving = { save };
}
