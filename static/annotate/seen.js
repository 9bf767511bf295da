// "Seen before": earlier judged claims from other articles that may make the same claim as the
// current sentence (or the claim's words when it is narrowed to a span), from the API's
// similar-claims URL (config.urls.similar), which answers exactly what this panel offers: one
// entry per distinct claim with a calibrated score and a tier. "Same claim" and "Related" are
// listed apart; with nothing at or above the related tier the panel says so. Fetches wait until
// the reviewer pauses and a newer one aborts the older, so moving with j/k never waits on the
// network. The key m (or a match's button) copies a match's verdict, attribution and evidence
// into the current claim and saves it, with matched_from naming the annotation it came from: a
// same-claim match at once, a related one after a confirmation in the panel (m or Enter again
// copies, Esc keeps the claim as it is).
const PAUSE_MS = 250; // how long the reviewer rests on a sentence before we ask
const SHOWN = 5;
const TIERS = { same: "Same claim", related: "Related" };

export function install(ws) {
  const { store, $ } = ws;
  const panel = $("seen-before");
  const lists = { same: $("seen-before-same"), related: $("seen-before-related") };
  const summary = $("seen-before-status");
  const confirmBox = $("seen-before-confirm");
  const confirmText = $("seen-before-confirm-text");
  const confirmYes = $("seen-before-confirm-copy");
  const confirmNo = $("seen-before-confirm-cancel");
  let timer = null;
  let inflight = null; // the AbortController of the fetch on its way
  let matches = []; // what the panel shows, best first
  let shownFor = null; // the query the panel answers
  let asking = null; // the related match waiting for the reviewer's yes
  let askedText = ""; // the words the panel answers for (what shared.query indexes)

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
        show([], url, (payload.error && payload.error.message) || "Earlier claims could not be loaded.");
        return;
      }
      show(payload.items || [], url, null, payload.text || "");
    } catch (err) {
      if (err.name !== "AbortError") show([], null, "Earlier claims could not be loaded (no connection).");
    } finally {
      if (inflight === controller) {
        inflight = null;
        panel.removeAttribute("aria-busy");
      }
    }
  }

  const percent = (score) => Math.round(score * 100) + "%";
  // The score in words: a calibrated probability that the two make the same claim.
  function likelihood(score) {
    if (score >= 0.95) return "almost certainly the same claim";
    if (score >= 0.8) return "very likely the same claim";
    if (score >= 0.6) return "likely the same claim";
    if (score >= 0.4) return "possibly the same claim";
    return "probably not the same claim";
  }
  const scoreWords = (m) => percent(m.score) + ", " + likelihood(m.score);
  // The verdict a copy takes: the final one when an admin settled that sentence, else the match's.
  const verdictOf = (m) => m.final_verdict || m.verdict;

  function show(items, url, problem, asked) {
    closeConfirm(false);
    matches = items;
    askedText = asked || "";
    shownFor = url;
    for (const tier of Object.keys(lists)) {
      const list = lists[tier];
      list.textContent = "";
      const mine = items.filter((m) => m.tier === tier);
      mine.forEach((m) => list.appendChild(item(m, items.indexOf(m))));
      list.closest(".seen-tier").hidden = !mine.length;
    }
    if (problem) summary.textContent = problem;
    else if (!items.length) summary.textContent = "No earlier claim like this.";
    else {
      const same = items.filter((m) => m.tier === "same").length;
      const parts = [];
      if (same) parts.push(same + " the same claim");
      if (items.length - same) parts.push(items.length - same + " related");
      const best = items[0];
      summary.textContent =
        items.length + (items.length === 1 ? " earlier claim: " : " earlier claims: ") + parts.join(", ") +
        ". Best: " + verdictOf(best) + ", " + scoreWords(best) + ". " +
        (best.tier === "same" ? "m copies it." : "m asks before copying it.");
    }
  }

  // The text with the [start, end) spans wrapped in <mark>: the words the two texts share.
  function marked(text, spans) {
    const out = document.createDocumentFragment();
    let at = 0;
    (spans || []).forEach(([start, end]) => {
      if (start < at) return;
      out.append(text.slice(at, start));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      out.appendChild(mark);
      at = end;
    });
    out.append(text.slice(at));
    return out;
  }

  function item(m, i) {
    const li = document.createElement("li");
    li.className = "match tier-" + m.tier + " verdict-" + verdictOf(m);
    li.dataset.annotation = m.annotation_id;
    const head = document.createElement("p");
    const verdict = document.createElement("strong");
    verdict.className = "badge";
    verdict.textContent = m.final_verdict ? "final: " + m.final_verdict : verdictsText(m);
    const score = document.createElement("meter");
    score.min = 0;
    score.max = 1;
    score.value = m.score;
    score.title = scoreWords(m);
    const closeness = document.createElement("span");
    closeness.className = "closeness";
    closeness.textContent = scoreWords(m);
    const language = document.createElement("span");
    language.className = "language";
    language.textContent = m.language_name;
    if (m.language) language.lang = "en";
    head.append(verdict, " ", score, " ", closeness, " · ", language);
    const words = document.createElement("blockquote");
    words.className = "match-claim";
    if (m.language) words.lang = m.language;
    words.appendChild(marked(m.claim, m.shared.claim));
    li.append(head, words);
    if (m.shared.query.length) {
      const mine = document.createElement("p");
      mine.className = "match-query";
      mine.append("In this sentence: ");
      const asked = askedText;
      const q = document.createElement("span");
      q.appendChild(marked(asked, m.shared.query));
      mine.appendChild(q);
      li.appendChild(mine);
    }
    if (m.final_verdict && m.verdicts.length) li.appendChild(line("Reviewers: " + verdictsText(m)));
    if (m.attributed_to) li.appendChild(line("Attributed to " + m.attributed_to));
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
        row.append(a, " (" + link.credibility + " credibility)");
        links.appendChild(row);
      });
      li.appendChild(links);
    }
    const article = m.article;
    li.appendChild(line("In “" + article.title + "”" + (article.published_at ? ", " + article.published_at : "")));
    const use = document.createElement("button");
    use.type = "button";
    use.className = "use-match";
    use.textContent = m.tier === "same" ? "Copy into this claim" : "Copy into this claim…";
    if (i === 0) {
      const key = document.createElement("kbd");
      key.textContent = "m";
      use.append(" ", key);
    }
    use.addEventListener("click", () => copy(m));
    li.appendChild(use);
    return li;
  }

  // The reviewers' verdicts as the viewer may see them: "disputed (alice), verified".
  function verdictsText(m) {
    const seen = m.verdicts.length ? m.verdicts : [{ verdict: m.verdict, reviewer: m.reviewer }];
    return seen.map((v) => v.verdict + (v.reviewer ? " (" + v.reviewer + ")" : "")).join(", ");
  }

  function line(text) {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  }

  // The match the reviewer is on (focus inside its entry), else the best one.
  function chosen() {
    const entry = document.activeElement && document.activeElement.closest("#seen-before .match");
    if (entry) return matches.find((m) => String(m.annotation_id) === entry.dataset.annotation);
    return matches[0];
  }

  function copy(m) {
    if (!m || shownFor !== query()) {
      ws.say(shownFor === query() ? "No earlier claim to copy here." : "Earlier claims are still loading; try again in a moment.");
      if (shownFor !== query()) schedule();
      return;
    }
    if (m.tier !== "same") {
      askFirst(m);
      return;
    }
    save(m);
  }

  // A related match is copied only after a yes: the question takes the focus, m or Enter copies,
  // Esc or the other button leaves the claim as it was.
  function askFirst(m) {
    asking = m;
    confirmText.textContent =
      "This earlier claim is only related (" + scoreWords(m) + "): “" + m.claim + "”. Copy its verdict, " +
      verdictOf(m) + ", with its attribution and evidence into this claim?";
    confirmBox.hidden = false;
    confirmYes.focus();
  }

  function closeConfirm(refocus) {
    if (confirmBox.hidden) return;
    confirmBox.hidden = true;
    asking = null;
    if (refocus) ws.reader.currentNode().focus({ preventScroll: true });
  }

  confirmYes.addEventListener("click", () => {
    const m = asking;
    closeConfirm(false);
    if (m && shownFor === query()) save(m);
  });
  confirmNo.addEventListener("click", () => {
    closeConfirm(true);
    ws.say("Not copied; the claim is as it was.");
  });
  confirmBox.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // the page's Esc would discard unsaved edits
      confirmNo.click();
    }
  });

  function save(m) {
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
        ws.say("Saved as " + saved.verdict + ", copied from “" + m.article.title + "” (z undoes it).", "ok");
      }
    });
  }

  ws.on("ready", () => {
    panel.hidden = false;
    schedule();
  });
  ws.on("sentence", () => {
    closeConfirm(false);
    schedule();
  });
  ws.on("claim", schedule);
  ws.on("span", schedule);
  ws.form.elements.claim_text.addEventListener("input", schedule);
  ws.keys.add(["m"], () => {
    if (asking) confirmYes.click(); // m again: yes
    else copy(chosen());
  });
}
