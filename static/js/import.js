// /admin/import: refuse a file over the size limit before uploading it, show the columns
// of the chosen kind, say that a long import is running, and show the report on phones.
// The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) return;
  var kind = document.getElementById("import-kind");
  var file = document.getElementById("import-file");
  var busy = document.getElementById("import-busy");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var maxMb = form.getAttribute("data-max-mb");

  function showColumns() {
    var panels = document.querySelectorAll("details.kind-columns");
    for (var i = 0; i < panels.length; i++) {
      panels[i].open = panels[i].getAttribute("data-kind") === kind.value;
    }
  }
  kind.addEventListener("change", showColumns);

  function fileError(message) {
    var id = "import-file-error";
    var p = document.getElementById(id);
    if (!message) {
      if (p) p.remove();
      file.removeAttribute("aria-invalid");
      return;
    }
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error";
      p.id = id;
      file.insertAdjacentElement("afterend", p);
    }
    p.textContent = message;
    file.setAttribute("aria-invalid", "true");
    file.setAttribute("aria-describedby", id);
  }

  file.addEventListener("change", function () {
    var f = file.files && file.files[0];
    fileError(f && maxBytes && f.size > maxBytes
      ? "The file is larger than " + maxMb + " MiB, the limit of this server; split it, or import it with chorus import."
      : "");
  });

  // On a phone the report sits below the form: bring it into view.
  var result = document.getElementById("import-result");
  if (result && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    result.scrollIntoView();
  }

  var sent = false;
  form.addEventListener("submit", function (event) {
    var f = file.files && file.files[0];
    if (f && maxBytes && f.size > maxBytes) {
      event.preventDefault();
      file.focus();
      return;
    }
    // One upload at a time; the buttons stay enabled so the pressed one is still sent.
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    if (busy) busy.hidden = false;
  });
})();
