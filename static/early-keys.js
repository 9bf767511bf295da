// Keys pressed before the annotation page's modules have loaded. A reviewer who opens an
// article and presses j or a verdict key at once must not lose the key: this classic script
// runs in <head>, before the page is drawn, and keeps the keys until annotate.js takes them
// (window.annotatorEarlyKeys.take()) and replays them through the page's own key handler.
(() => {
  const kept = [];
  const typing = (t) =>
    t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  const keep = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
    if (event.key.length !== 1 && event.key !== "Enter" && event.key !== "Escape") return;
    kept.push({ key: event.key, shiftKey: event.shiftKey });
  };
  document.addEventListener("keydown", keep, true);
  window.annotatorEarlyKeys = {
    take() {
      document.removeEventListener("keydown", keep, true);
      return kept.splice(0);
    },
  };
})();
