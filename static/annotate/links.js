// Evidence links: the rows of the editor, what the source registry says about a typed URL, and
// removing a row without losing the keyboard's place.
export function install(ws) {
  const { store, $ } = ws;
  const rows = $("link-rows");
  const template = $("link-row-template");
  const FIELDS = ["url", "title", "credibility", "stance", "override_reason"];
  const input = (row, name) => row.querySelector('[name$="-' + name + '"]');
  let counter = 100; // new rows are numbered after the plain form's

  function read() {
    const links = [];
    rows.querySelectorAll(".link-row").forEach((row) => {
      const get = (name) => input(row, name).value;
      if (get("url").trim()) {
        links.push({
          url: get("url").trim(),
          title: get("title"),
          credibility: get("credibility") || null,
          stance: get("stance") || null,
          override_reason: get("override_reason"),
        });
      }
    });
    return links;
  }

  function add(link) {
    const i = "n" + ++counter;
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[id],[name],[for]").forEach((node) => {
      ["id", "name", "for"].forEach((attr) => {
        if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).replace("__i__", i));
      });
    });
    if (link) {
      FIELDS.forEach((name) => {
        input(row, name).value = link[name] || "";
      });
      if (link.credibility_source) row.querySelector(".rating").textContent = ratingLabel(link);
      row.dataset.savedUrl = link.url || "";
    }
    rows.appendChild(row);
    return row;
  }

  // A claim's links, then one empty row to type the next.
  function fill(links) {
    rows.textContent = "";
    links.forEach(add);
    add(null);
  }

  // Where "add a link" types: the first row without a URL, or a new one.
  const blank = () => [...rows.querySelectorAll(".link-row")].find((row) => !input(row, "url").value.trim()) || add(null);

  // Mirrors annotator/web/articles.py (rating_label): keep in step.
  function ratingLabel(link) {
    if (link.credibility_source === "registry") return "Registry: " + (link.source || "entry") + " rates it " + link.credibility;
    return "Reviewer's rating: " + link.credibility + (link.override_reason ? " (" + link.override_reason + ")" : "");
  }

  // What the source registry says about a typed URL; a changed URL drops the old link's rating.
  async function lookUp(row) {
    const url = input(row, "url").value.trim();
    const badge = row.querySelector(".rating");
    if (row.dataset.savedUrl !== undefined && url !== row.dataset.savedUrl) {
      input(row, "credibility").value = "";
      input(row, "override_reason").value = "";
      delete row.dataset.savedUrl;
    }
    if (!/^https?:\/\//i.test(url)) {
      badge.textContent = url ? "Links must start with http:// or https://." : "";
      return;
    }
    try {
      const { response, payload: info } = await ws.api.lookUpSource(url);
      if (!response.ok) {
        badge.textContent = Object.values(info.error.fields || {})[0] || info.error.message;
        return;
      }
      row.dataset.registry = info.source ? info.credibility : "";
      badge.textContent = info.source
        ? "Registry: " + info.source.name + " rates " + info.host + " " + info.credibility + ". Choosing another rating needs a reason."
        : info.host + " is not in the registry: rated unknown unless you choose.";
    } catch (err) {
      badge.textContent = "";
    }
  }

  rows.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.endsWith("-url")) lookUp(event.target.closest(".link-row"));
  });
  rows.addEventListener("click", (event) => {
    if (!event.target.classList.contains("remove-link")) return;
    const row = event.target.closest(".link-row");
    const next = row.nextElementSibling;
    row.remove();
    store.dirty = true;
    if (!rows.querySelector(".link-row")) add(null);
    // Keep the keyboard where it was: on the next link, or on "Add a link".
    (next ? next.querySelector("input") : $("add-link")).focus();
    ws.say("Link removed (not saved yet; Enter saves).");
  });
  $("add-link").addEventListener("click", () => blank().querySelector("input").focus());
  ws.keys.add(["l"], () => ws.editor.openDetails(blank().querySelector("input")));

  // The plain form offers two empty link rows; with the script one is enough (l adds more).
  let spare = false;
  rows.querySelectorAll(".link-row").forEach((row) => {
    const empty = [...row.querySelectorAll("input, select")].every((field) => !field.value);
    if (empty && spare) row.remove();
    spare = spare || empty;
  });

  // The row of the i-th link read() sends (rows without a URL are not sent), for marking its fields.
  const rowOf = (i) => [...rows.querySelectorAll(".link-row")].filter((row) => input(row, "url").value.trim())[i] || null;

  ws.links = { read, fill, rowOf };
}
