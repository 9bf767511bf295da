// The import page: show progress while a large upload is sent and read, and while the ticked
// articles are stored. Without this script the forms post as usual; nothing depends on it.
(function () {
  "use strict";

  // The page's strings in the reader's language (#i18n, rendered by base.html; absent in English).
  const i18n = document.getElementById("i18n");
  const strings = i18n ? JSON.parse(i18n.textContent) : {};
  // t("Importing {n} articles…", {n: 3}): the message in the page's language, {names} filled in.
  function t(message, values) {
    return (strings[message] || message).replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1);
  }

  const upload = document.getElementById("upload-form");
  if (upload && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener("submit", function (event) {
      const box = document.getElementById("upload-progress");
      const bar = box.querySelector("progress");
      const text = document.getElementById("upload-progress-text");
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", upload.action);
      request.upload.addEventListener("progress", function (progress) {
        if (!progress.lengthComputable) return;
        const percent = Math.round((100 * progress.loaded) / progress.total);
        bar.value = percent;
        text.textContent = t("Uploading: {done} of {total} MB ({percent}%)", {
          done: megabytes(progress.loaded),
          total: megabytes(progress.total),
          percent: percent,
        });
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // the server reads and checks the files: no figure to show
        text.textContent = t("Uploaded. Reading the files and splitting the articles into sentences…");
      });
      request.addEventListener("load", function () {
        document.open();
        document.write(request.responseText); // the preview (or the page saying what was wrong)
        document.close();
      });
      request.addEventListener("error", function () {
        text.textContent = t("The upload failed; sending the form the ordinary way…");
        upload.submit();
      });
      box.hidden = false;
      upload.querySelector("button[type=submit]").disabled = true;
      request.send(new FormData(upload));
    });
  }

  const store = document.getElementById("import-form");
  if (store) {
    store.addEventListener("submit", function (event) {
      if (!event.submitter || event.submitter.value !== "import") return;
      const ticked = store.querySelectorAll("input[name$='-include']:checked").length;
      const box = document.getElementById("store-progress");
      box.querySelector("span").textContent =
        ticked === 1
          ? t("Importing 1 article: it is split into sentences and stored…")
          : t("Importing {n} articles: each is split into sentences and stored…", { n: ticked });
      box.hidden = false;
    });
  }
})();
