// Saving the claim through the API, undoing the last save, and a conflict when someone else
// saved the claim first. The page keeps the annotation the API answered, not the form it sent.
export function install(ws) {
  const { store, form, $ } = ws;
  const conflict = $("conflict");
  let theirs = null; // after a conflict: the annotation as the server has it now

  function showError(response, payload) {
    const error = payload.error || { message: "Saving failed (" + response.status + ")." };
    if (response.status === 409 && error.current) {
      showConflict(error);
      return;
    }
    // The message names the fields in words ("Evidence link 1: ..."); the paths mark the fields.
    ws.say("Not saved. " + error.message, "error");
    ws.editor.markInvalid(Object.keys(error.fields || {}));
  }

  // Who saved over this tab's version, and theirs beside this tab's unsaved edits.
  function showConflict(error) {
    theirs = error.current;
    const mine = ws.editor.read();
    const you = error.changed_by && error.changed_by === ws.config.viewer;
    const at = error.changed_at ? " at " + new Date(error.changed_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
    const versions = " (this tab opened version " + mine.version + "; it is now at version " + theirs.version + ")";
    $("conflict-message").textContent = you
      ? "You saved this claim in another tab or window" + at + versions + "."
      : (error.changed_by || "Someone else") + " changed this claim" + at + versions + ".";
    $("conflict-theirs").textContent = you ? "Saved in the other tab" : "Saved by " + (error.changed_by || "them");
    const links = (state) => state.links.map((link) => link.url + (link.credibility ? " (" + link.credibility + ")" : "")).join("\n");
    const rows = [
      ["Verdict", theirs.verdict, mine.verdict || ""],
      ["Attributed to", theirs.attributed_to, mine.attributed_to],
      ["Note", theirs.note, mine.note],
      ["Evidence links", links(theirs), links(mine)],
    ];
    const body = $("conflict-rows");
    body.textContent = "";
    rows.forEach(([label, saved, unsaved]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      tr.appendChild(th);
      [saved, unsaved].forEach((value) => {
        const td = document.createElement("td");
        td.textContent = value || "—";
        if (saved !== unsaved) td.className = "differs";
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    conflict.hidden = false;
    ws.say(you ? "Not saved: you changed this claim in another tab." : "Not saved: someone else changed this claim.", "error");
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
      ws.say("Choose a verdict first: " + ws.editor.verdicts.map((v, i) => i + 1 + " " + v).join(", ") + ".", "error");
      return;
    }
    if (state.span && state.span.invalid) {
      ws.say("Not saved. Claim: these words do not occur in the sentence.", "error");
      ws.editor.markInvalid(["span"]);
      return;
    }
    const from = store.index;
    const fromClaim = store.claim;
    const s = store.current();
    const claims = store.claimsOf(s.id);
    const before = claims[fromClaim] || null;
    const body = { verdict: state.verdict, attributed_to: state.attributed_to, note: state.note, links: state.links, span: state.span, ...extra };
    store.saving = true;
    ws.say("Saving…");
    let result;
    try {
      result = state.id
        ? await ws.api.update(state.id, Object.assign(body, { version: overwrite || state.version }))
        : await ws.api.create(Object.assign(body, { sentence_id: s.id }));
    } catch (err) {
      stopSaving(false);
      ws.say("Could not reach the server; your edits are kept here. Try saving again.", "error");
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
    const message = "Saved sentence " + (from + 1) + " as " + payload.verdict + ".";
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
      ws.say("Could not reach the server to undo; try again.", "error");
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
      before ? "Undone: the claim is back to " + before.verdict + "." : "Undone: the new claim was removed (it stays in the history).",
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
    ws.editor.discard(true);
    ws.reader.claimsChanged(store.current().id, true);
    ws.say("Loaded the other version; press 1, 2 or 3 to save your verdict over it, or “Undo” for your edits.");
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
