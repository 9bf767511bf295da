// The article's sentences: moving between them, their marks, the progress bar and the filter.
// A sentence's state (open, verified, ..., mixed) is the one the server rendered into its class;
// only a save here changes it, by the rule in stateOf.
export function install(ws) {
  const { store, $ } = ws;
  const { sentences } = store;
  const list = $("sentences");
  const filter = $("state-filter");
  const params = new URLSearchParams(location.search);
  const el = (i) => $("s" + sentences[i].id);
  const visible = (i) => !el(i).hidden;
  const stateIn = (node) => node.className.match(/\bstate-(\w+)/)[1];

  // A sentence's state after the viewer's claims changed: their verdict, "mixed", or "open".
  // Mirrors annotator/services/articles/workspace.py (SentenceView.state): keep in step.
  function stateOf(claims) {
    const verdicts = new Set(claims.map((a) => a.verdict));
    return verdicts.size === 0 ? "open" : verdicts.size === 1 ? [...verdicts][0] : "mixed";
  }

  // Sentences are links only for the plain-form page: a link drags instead of letting the mouse
  // select words. Keep one tab stop, on the current sentence (j/k move it).
  list.querySelectorAll("a.s").forEach((node) => {
    node.removeAttribute("href");
    node.tabIndex = node.classList.contains("current") ? 0 : -1;
    node.setAttribute("role", "button");
  });
  const rendered = list.querySelector(".s.current"); // the sentence the page was rendered at
  store.index = rendered ? store.indexOf(rendered.dataset.id) : 0;

  function select(i, focus) {
    if (i < 0 || i >= sentences.length) return;
    ws.editor.stash();
    const old = el(store.index);
    old.classList.remove("current", "claim-span");
    old.removeAttribute("aria-current");
    old.tabIndex = -1;
    store.index = i;
    store.claim = 0;
    store.detailsOpen = false;
    const node = el(i);
    node.tabIndex = 0;
    node.classList.add("current");
    node.setAttribute("aria-current", "true");
    $("current-number").textContent = String(i + 1);
    ws.emit("sentence", store.current());
    ws.editor.load();
    if (focus !== false) node.focus();
    node.scrollIntoView({ block: "nearest" });
    params.set("sentence", store.current().id);
    params.delete("claim");
    history.replaceState(null, "", "?" + params.toString());
  }

  function step(direction) {
    for (let i = store.index + direction; i >= 0 && i < sentences.length; i += direction) {
      if (visible(i)) {
        select(i);
        return true;
      }
    }
    return false;
  }

  function nextOpen() {
    for (let k = 1; k <= sentences.length; k++) {
      const i = (store.index + k) % sentences.length;
      if (stateIn(el(i)) === "open" && visible(i)) {
        select(i);
        return;
      }
    }
    ws.say("Every sentence shown has been reviewed.");
  }

  // The viewer's claims on a sentence changed: its mark, its reviewer count and the progress.
  // The mark mirrors templates/articles/view.html (span.mark) and the progress text
  // templates/_macros.html (progress): keep in step.
  function claimsChanged(id, hadClaims) {
    const node = $("s" + id);
    const before = stateIn(node);
    const state = stateOf(store.claimsOf(id));
    const has = store.claimsOf(id).length > 0;
    const reviewers = Number(node.dataset.reviewers) + (has && !hadClaims ? 1 : !has && hadClaims ? -1 : 0);
    node.dataset.reviewers = reviewers;
    node.className = node.className.replace(/\bstate-\w+/, "state-" + state);
    node.querySelector(".mark").textContent =
      (state === "open" ? "" : " [" + state + "]") +
      (reviewers ? " (" + reviewers + (reviewers === 1 ? " reviewer)" : " reviewers)") : "");
    const bar = document.querySelector("#progress progress");
    if (bar) {
      bar.value += (state !== "open") - (before !== "open");
      document.querySelector("#progress .progress-text").textContent =
        bar.value + " of " + sentences.length + " reviewed";
    }
    applyFilter();
    showNextOpen();
  }

  // "Next unreviewed" while any sentence is open (one whose only claim was just undone or
  // deleted counts again), "All sentences reviewed" once none is.
  function showNextOpen() {
    const node = $("next-open");
    const open = sentences.some((s, i) => stateIn(el(i)) === "open");
    if (!node || open === (node.tagName === "A")) return;
    const fresh = document.createElement(open ? "a" : "span");
    fresh.id = "next-open";
    if (open) {
      fresh.href = "#editor";
      const key = document.createElement("kbd");
      key.textContent = "u";
      fresh.append("Next unreviewed ", key);
      fresh.addEventListener("click", (event) => {
        event.preventDefault();
        nextOpen();
      });
    } else {
      fresh.textContent = "All sentences reviewed";
    }
    node.replaceWith(fresh);
  }

  // Mirrors annotator/services/articles/workspace.py (WorkspacePage.shown): keep in step.
  function applyFilter() {
    const wanted = filter.value;
    const match = (s, i) => (wanted === "worthy" ? s.score >= ws.data.threshold : stateIn(el(i)) === wanted);
    sentences.forEach((s, i) => {
      el(i).hidden = Boolean(wanted) && !match(s, i) && i !== store.index;
    });
  }

  filter.addEventListener("change", () => {
    applyFilter();
    params.set("state", filter.value);
    history.replaceState(null, "", "?" + params.toString());
  });
  const next = $("next-open");
  if (next && next.tagName === "A") {
    next.addEventListener("click", (event) => {
      event.preventDefault();
      nextOpen();
    });
  }
  list.addEventListener("click", (event) => {
    const node = event.target.closest(".s");
    if (!node) return;
    event.preventDefault();
    if (!window.getSelection().isCollapsed) return; // a selection, handled on mouseup
    const i = store.indexOf(node.dataset.id);
    if (i !== store.index) select(i);
  });
  // Selecting words inside one sentence narrows the claim to them.
  list.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    const node = range.startContainer.parentElement && range.startContainer.parentElement.closest(".s");
    if (!node || range.endContainer !== range.startContainer || range.startContainer !== node.firstChild) {
      ws.say("Select words inside a single sentence to narrow a claim.", "error");
      return;
    }
    const text = node.firstChild.textContent;
    let start = range.startOffset;
    let end = range.endOffset;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start === end) return;
    const i = store.indexOf(node.dataset.id);
    if (i !== store.index) select(i, false);
    ws.editor.narrow(start, end);
    el(store.index).focus();
  });

  ws.keys.add(["j", "ArrowDown"], () => step(1));
  ws.keys.add(["k", "ArrowUp"], () => step(-1));
  ws.keys.add(["u"], nextOpen);

  ws.reader = {
    select,
    step,
    claimsChanged,
    currentNode: () => el(store.index),
    textOf: (i) => el(i).firstChild.textContent,
  };
}
