// Keyboard-first annotation page. Without this script every action still works as a plain form.
//
// This file is the workspace every module shares: the state (ws.store), the page's keys
// (ws.keys), events (ws.on/ws.emit) and the status line (ws.say). The page says which modules to
// load and where to send things in #workspace-config: the modules' URLs (versioned, so a deploy
// never mixes old and new files) and the API's URLs; #workspace-data holds the sentences and the
// viewer's claims. Each module exports install(ws) and adds its part: ws.api, ws.reader,
// ws.links, ws.editor, ws.saving. A new panel or key (say "Seen before", or "Continue" to the
// next unjudged sentence of the queue) is one more module in the template's list: it reads
// ws.store, follows ws.on("sentence" | "claim" | "ready") and adds its keys with ws.keys.add.
const config = readJson("workspace-config");
const data = readJson("workspace-data");
const form = document.getElementById("annotation-form");
if (config && data && form) start();

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

async function start() {
  const modules = await Promise.all(config.modules.map((url) => import(url)));
  const events = new EventTarget();
  const status = document.getElementById("status");
  const barStatus = document.getElementById("bar-status"); // its copy in the phone's verdict bar
  const ws = {
    config,
    data,
    form,
    store: createStore(data, (dirty) => ws.emit("dirty", dirty)),
    $: (id) => document.getElementById(id),
    say(message, kind) {
      status.textContent = message;
      status.className = kind || "";
      if (barStatus) barStatus.textContent = message;
    },
    on: (name, listener) => events.addEventListener(name, (event) => listener(event.detail)),
    emit: (name, detail) => events.dispatchEvent(new CustomEvent(name, { detail })),
  };
  ws.keys = createKeys(ws);
  document.body.classList.add("js");
  modules.forEach((module) => module.install(ws));
  ws.emit("ready");
  ws.reader.currentNode().focus({ preventScroll: true });
  // Keys pressed while the modules were loading (static/early-keys.js), in the order pressed.
  const early = window.annotatorEarlyKeys ? window.annotatorEarlyKeys.take() : [];
  early.forEach(({ key, shiftKey }) =>
    document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key, shiftKey, bubbles: true, cancelable: true })),
  );
}

// What the page knows and where the reviewer is: the sentences, the viewer's claims on them,
// the sentence and claim being edited, unsaved drafts, and whether a save is on its way.
// `changed(dirty)` hears every change of `dirty` (the page shows "Discard changes" while it is true).
function createStore({ sentences, annotations }, changed) {
  let dirty = false;
  const store = {
    sentences, // [{id, start, end, score, why, who, cues}] in reading order
    index: 0, // the current sentence, into sentences
    claim: 0, // into the current sentence's claims; === their number means a new claim
    get dirty() {
      return dirty; // the form holds edits not saved yet
    },
    set dirty(value) {
      dirty = value;
      changed(value);
    },
    saving: false,
    detailsOpen: false, // closed, 1/2/3 save and advance in one key; open, they only choose
    drafts: new Map(), // "sentenceId:claimId" -> unsaved form state
    lastChange: null, // {sentenceId, before, after}: what undo puts back

    current: () => sentences[store.index],
    indexOf: (id) => sentences.findIndex((s) => s.id === Number(id)),
    claimsOf: (id) => annotations[String(id)] || [], // as the page or the API's last answer gave them
    setClaims(id, claims) {
      annotations[String(id)] = claims;
    },
    draftKey: () => store.current().id + ":" + (store.claimsOf(store.current().id)[store.claim] || {}).id,
  };
  return store;
}

// The page's keys: each module adds its own with add(keys, action). A key is the page's when it
// is not typed in a field nor pressing a button; keys typed while a save is on its way wait for it.
function createKeys(ws) {
  const actions = new Map(); // key -> action
  const typedAhead = [];
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
    if (ws.store.saving) typedAhead.push(event.key);
    else actions.get(event.key)();
  });

  const keys = {
    add(names, action) {
      names.forEach((key) => {
        if (actions.has(key)) throw new Error("The key " + key + " is taken twice.");
        actions.set(key, action);
      });
    },
    // A save is over: replay the keys typed meanwhile; after a failed one drop them, they were
    // meant for the sentence after this one.
    afterSave(ok) {
      if (!ok) typedAhead.length = 0;
      else while (typedAhead.length && !ws.store.saving) actions.get(typedAhead.shift())();
    },
  };
  keys.add(["?"], () => {
    const help = document.getElementById("help");
    help.open = !help.open;
  });
  return keys;
}
