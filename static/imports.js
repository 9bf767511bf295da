// The import page: show progress while a large upload is sent and read, and while the ticked
// articles are stored. Without this script the forms post as usual; nothing depends on it.
(function () {
  "use strict";

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
        text.textContent = "Uploading: " + megabytes(progress.loaded) + " of " +
          megabytes(progress.total) + " MB (" + percent + "%)";
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // the server reads and checks the files: no figure to show
        text.textContent = "Uploaded. Reading the files and splitting the articles into sentences…";
      });
      request.addEventListener("load", function () {
        document.open();
        document.write(request.responseText); // the preview (or the page saying what was wrong)
        document.close();
      });
      request.addEventListener("error", function () {
        text.textContent = "The upload failed; sending the form the ordinary way…";
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
      box.querySelector("span").textContent = "Importing " + ticked + " article" +
        (ticked === 1 ? "" : "s") + ": each is split into sentences and stored…";
      box.hidden = false;
    });
  }
})();
