// Keyboard-first annotation page. Without this script every action still works as a plain form.
//
// The page says what to load and where to send things in #workspace-config: the modules' URLs
// (versioned, so a deploy never mixes old and new files) and the API's URLs; #workspace-data holds
// the sentences and the viewer's claims. Each module exports install(ws) and adds its part to ws:
// ws.store, ws.api, ws.keys, ws.reader, ws.editor, ws.links, ws.saving, ws.conflict. A new panel
// is one more module in the template's list: it reads ws.store, listens with ws.on("sentence" |
// "claim" | "ready") and adds its keys with ws.keys.add.
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
  const ws = {
    config,
    data,
    form,
    $: (id) => document.getElementById(id),
    say(message, kind) {
      status.textContent = message;
      status.className = kind || "";
    },
    on: (name, listener) => events.addEventListener(name, (event) => listener(event.detail)),
    emit: (name, detail) => events.dispatchEvent(new CustomEvent(name, { detail })),
  };
  document.body.classList.add("js");
  modules.forEach((module) => module.install(ws));
  ws.emit("ready");
  ws.reader.currentNode().focus({ preventScroll: true });
}
