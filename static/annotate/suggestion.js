// What the server's analysis says about the current sentence (ws.data.sentences: cues, score,
// reasons, suggested source): the highlighted cues, the check-worthiness line and "use the source".
export function install(ws) {
  const { store, form, $ } = ws;

  // The cue highlighting mirrors annotator/services/articles/workspace.py (SentenceView.segments):
  // keep in step.
  function show(s) {
    const text = ws.reader.textOf(store.index);
    const quote = $("current-text");
    quote.textContent = "";
    let position = 0;
    s.cues.forEach(([start, end, kind]) => {
      if (start < position) return;
      quote.appendChild(document.createTextNode(text.slice(position, start)));
      const mark = document.createElement("mark");
      mark.className = "cue cue-" + kind;
      mark.title = kind + ": " + text.slice(start, end);
      mark.textContent = text.slice(start, end);
      quote.appendChild(mark);
      position = end;
    });
    quote.appendChild(document.createTextNode(text.slice(position)));
    const worth = $("worthiness"); // absent for articles not in English: no cues there
    if (worth) {
      worth.textContent = "Check-worthiness ";
      const score = document.createElement("strong");
      score.textContent = s.score;
      worth.appendChild(score);
      worth.appendChild(document.createTextNode("/100" + (s.why.length ? ": " + s.why.join("; ") : "")));
    }
    $("suggestion").hidden = !s.who;
    $("use-suggestion").textContent = s.who || "";
    const cue = s.cues.find((c) => c[2] === "attribution");
    $("suggestion-cue").textContent = cue ? "(“" + text.slice(cue[0], cue[1]) + "”)" : "";
  }

  function use() {
    const who = store.current().who;
    if (!who) {
      ws.say("No source is suggested for this sentence.");
      return;
    }
    form.elements.attributed_to.value = who;
    store.dirty = true;
    ws.editor.openDetails(null);
    ws.say("Attributed to " + who + " (not saved yet; choose a verdict, Enter saves).");
  }

  ws.on("sentence", show);
  $("use-suggestion").addEventListener("click", use);
  ws.keys.add(["s"], use);
}
