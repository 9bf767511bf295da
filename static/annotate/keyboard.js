// The page's keys. Each module adds its own with ws.keys.add(keys, action); this one decides
// when a key is the page's (not typed in a field, not pressing a button) and keeps the keys typed
// while a save is on its way, to replay them in order after it.
export function install(ws) {
  const { store, $ } = ws;
  const actions = new Map(); // key -> action
  const typedAhead = [];

  function add(keys, action) {
    keys.forEach((key) => {
      if (actions.has(key)) throw new Error("The key " + key + " is taken twice.");
      actions.set(key, action);
    });
  }

  function afterSave(ok) {
    if (!ok) typedAhead.length = 0;
    else while (typedAhead.length && !store.saving) actions.get(typedAhead.shift())();
  }

  const typing = (t) =>
    t &&
    ((t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox") || t.tagName === "TEXTAREA" || t.tagName === "SELECT");

  document.addEventListener("keydown", (event) => {
    if (event.altKey || (event.metaKey && event.key !== "Enter")) return;
    const t = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      ws.saving.save(true);
      return;
    }
    if (event.ctrlKey) return;
    if (typing(t)) {
      if (event.key === "Escape") {
        t.blur();
        ws.reader.currentNode().focus();
        event.preventDefault();
      }
      return;
    }
    if (t && (t.tagName === "BUTTON" || (t.tagName === "A" && !t.classList.contains("s"))) && event.key === "Enter") return;
    if (t && t.tagName === "SUMMARY") return;
    if (!actions.has(event.key)) return;
    event.preventDefault();
    // A fast reviewer types the next verdict before the last save is back: keep it for then.
    if (store.saving) typedAhead.push(event.key);
    else actions.get(event.key)();
  });

  add(["?"], () => {
    const help = $("help");
    help.open = !help.open;
  });

  ws.keys = { add, afterSave };
}
