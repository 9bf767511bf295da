// The desk's one key: "g" on the annotation page goes on to the next sentence of your queue
// (the Continue link; without JavaScript the link itself does the same).
const link = document.getElementById("continue-queue");
const typing = (t) =>
  t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

if (link) {
  document.addEventListener("keydown", (event) => {
    if (event.key !== "g" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    event.preventDefault();
    window.location.assign(link.href);
  });
}
