// Someone else saved the claim first (409 with their version): load theirs, or overwrite it.
export function install(ws) {
  const { store, $ } = ws;
  const box = $("conflict");
  let theirs = null; // the annotation as the server has it now

  function show(error) {
    theirs = error.current;
    $("conflict-message").textContent = error.message;
    box.hidden = false;
    ws.say("Not saved: someone else changed this claim.", "error");
  }

  $("conflict-reload").addEventListener("click", () => {
    const claims = store.claimsOf(store.current().id).slice();
    claims[store.claim] = theirs;
    store.setClaims(store.current().id, claims);
    ws.editor.discard();
    ws.reader.claimsChanged(store.current().id, true);
    ws.say("Loaded the other version; press 1, 2 or 3 to save your verdict over it.");
  });
  $("conflict-overwrite").addEventListener("click", () => {
    box.hidden = true;
    ws.saving.save(false, theirs.version);
  });
  ws.on("claim", () => {
    box.hidden = true; // a conflict belongs to the claim that was shown
  });

  ws.conflict = { show };
}
