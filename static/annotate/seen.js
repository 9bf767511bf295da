// "Seen before": the closest earlier judged claims from other articles for the current sentence
// (or the claim's words when it is narrowed to a span), from the API's similar-claims URL
// (config.urls.similar). Fetches wait until the reviewer pauses and a newer one aborts the
// older, so moving with j/k never waits on the network. The key m (or the button of a match)
// copies a match's verdict, attribution and evidence into the current claim and saves it, with
// matched_from naming the annotation it came from.
const PAUSE_MS = 250; // how long the reviewer rests on a sentence before we ask
const SHOWN = 3;

export function install(ws) {
  const { store, $ } = ws;
  const panel = $("seen-before");
  const list = $("seen-before-list");
  const summary = $("seen-before-status");
  let timer = null;
  let inflight = null; // the AbortController of the fetch on its way
  let matches = []; // what the list shows, best first
  let shownFor = null; // the query the list answers

  // The query for the current claim: its span when the form holds one, else the sentence.
  function query() {
    const s = store.current();
    const span = ws.editor.read().span;
    const ranged = span && !span.invalid && (span.start !== s.start || span.end !== s.end);
    const params = new URLSearchParams({ limit: String(SHOWN) });
    if (ranged) {
      params.set("start", span.start);
      params.set("end", span.end);
    }
    return ws.config.urls.similar.replace("/sentences/0/", "/sentences/" + s.id + "/") + "?" + params;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE_MS);
  }

  async function refresh() {
    const url = query();
    if (url === shownFor) return;
    if (inflight) inflight.abort();
    const controller = (inflight = new AbortController());
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      const payload = await response.json().catch(() => ({}));
      if (controller.signal.aborted) return;
      if (!response.ok) {
        show([], url, (payload.error && payload.error.message) || ws.t("Earlier claims could not be loaded."));
        return;
      }
      show(payload.items || [], url);
    } catch (err) {
      if (err.name !== "AbortError") show([], null, ws.t("Earlier claims could not be loaded (no connection)."));
    } finally {
      if (inflight === controller) {
        inflight = null;
        panel.removeAttribute("aria-busy");
      }
    }
  }

  const percent = (score) => Math.round(score * 100) + "%";
  // The verdict a copy takes: the final one when an admin settled that sentence, else the match's.
  const verdictOf = (m) => m.final_verdict || m.verdict;

  function show(items, url, problem) {
    matches = items;
    shownFor = url;
    list.textContent = "";
    items.forEach((m, i) => list.appendChild(item(m, i)));
    if (problem) summary.textContent = problem;
    else if (!items.length) summary.textContent = ws.t("No earlier judged claim like this one.");
    else
      summary.textContent =
        (items.length === 1
          ? ws.t("1 earlier claim like this one; best: {verdict}, {percent} close. m copies it.", {
              verdict: ws.word(verdictOf(items[0])),
              percent: percent(items[0].score),
            })
          : ws.t("{n} earlier claims like this one; best: {verdict}, {percent} close. m copies it.", {
              n: items.length,
              verdict: ws.word(verdictOf(items[0])),
              percent: percent(items[0].score),
            }));
  }

  function item(m, i) {
    const li = document.createElement("li");
    li.className = "match verdict-" + verdictOf(m);
    li.dataset.annotation = m.annotation_id;
    const head = document.createElement("p");
    const verdict = document.createElement("strong");
    verdict.className = "badge";
    verdict.textContent =
      m.final_verdict && m.final_verdict !== m.verdict
        ? ws.t("{verdict}, final: {final}", { verdict: ws.word(m.verdict), final: ws.word(m.final_verdict) })
        : ws.word(verdictOf(m));
    const score = document.createElement("meter");
    score.min = 0;
    score.max = 1;
    score.value = m.score;
    score.title = ws.t("{percent} close", { percent: percent(m.score) });
    const closeness = document.createElement("span");
    closeness.className = "closeness";
    closeness.textContent = ws.t("{percent} close", { percent: percent(m.score) });
    head.append(verdict, " ", score, " ", closeness);
    const words = document.createElement("blockquote");
    words.textContent = m.claim;
    li.append(head, words);
    if (m.attributed_to) li.appendChild(line(ws.t("Attributed to {who}", { who: m.attributed_to })));
    if (m.links.length) {
      const links = document.createElement("ul");
      links.className = "match-links";
      m.links.forEach((link) => {
        const row = document.createElement("li");
        const a = document.createElement("a");
        a.href = link.url;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        a.textContent = link.title || link.url;
        row.append(a, " (" + ws.t("{rating} credibility", { rating: ws.word(link.credibility) }) + ")");
        links.appendChild(row);
      });
      li.appendChild(links);
    }
    const article = m.article;
    li.appendChild(
      line(
        article.published_at
          ? ws.t("In “{title}”, {date}", { title: article.title, date: article.published_at })
          : ws.t("In “{title}”", { title: article.title }),
      ),
    );
    const use = document.createElement("button");
    use.type = "button";
    use.className = "use-match";
    use.textContent = ws.t("Copy into this claim");
    if (i === 0) {
      const key = document.createElement("kbd");
      key.textContent = "m";
      use.append(" ", key);
    }
    use.addEventListener("click", () => copy(m));
    li.appendChild(use);
    return li;
  }

  function line(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  // The match the reviewer is on (focus inside its entry), else the best one.
  function chosen() {
    const entry = document.activeElement && document.activeElement.closest("#seen-before-list > li");
    if (entry) return matches.find((m) => String(m.annotation_id) === entry.dataset.annotation);
    return matches[0];
  }

  function copy(m) {
    if (!m || shownFor !== query()) {
      ws.say(shownFor === query() ? ws.t("No earlier claim to copy here.") : ws.t("Earlier claims are still loading; try again in a moment."));
      if (shownFor !== query()) schedule();
      return;
    }
    const form = ws.form;
    form.querySelector('input[name="verdict"][value="' + verdictOf(m) + '"]').checked = true;
    form.elements.attributed_to.value = m.attributed_to || "";
    ws.links.fill(
      m.links.map((link) => ({
        url: link.url,
        title: link.title,
        credibility: link.credibility,
        stance: link.stance,
        override_reason: link.override_reason,
      })),
    );
    store.dirty = true;
    const sentence = store.current().id;
    ws.reader.currentNode().focus({ preventScroll: true });
    ws.saving.save(false, undefined, { matched_from: m.annotation_id }).then((saved) => {
      if (saved && store.current().id === sentence && !store.saving) {
        ws.say(ws.t("Saved as {verdict}, copied from “{title}” (z undoes it).", { verdict: ws.word(saved.verdict), title: m.article.title }), "ok");
      }
    });
  }

  ws.on("ready", () => {
    panel.hidden = false;
    schedule();
  });
  ws.on("sentence", schedule);
  ws.on("claim", schedule);
  ws.on("span", schedule);
  ws.form.elements.claim_text.addEventListener("input", schedule);
  ws.keys.add(["m"], () => copy(chosen()));
}
