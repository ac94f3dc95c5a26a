// The feed's "Copy link" button before the link exists: asks Chorus for the employee's
// short link (as JSON) and copies it in the same tap. Without this script the form posts
// normally and the page comes back with the link in a selectable field.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-copy-link]");
  if (!form || !window.fetch || !navigator.clipboard) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  const answer = fetch(form.action, {
    method: "POST",
    headers: { "Accept": "application/json" },
    body: new URLSearchParams(new FormData(form)),
    credentials: "same-origin",
  }).then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))));
  let link = null;
  try {
    // Safari only lets a page write to the clipboard within the tap itself: hand it the
    // pending answer; other browsers take the text once it is there.
    if (window.ClipboardItem && navigator.clipboard.write) {
      const blob = answer.then((body) => new Blob([body.short_url], { type: "text/plain" }));
      await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    } else {
      await navigator.clipboard.writeText((await answer).short_url);
    }
    button.textContent = form.dataset.copied;
    button.classList.add("done");
  } catch (err) {
    button.textContent = form.dataset.failed;
  }
  try {
    link = await answer;
  } catch (err) {
    // No link: let the form post the ordinary way.
    form.submit();
    return;
  }
  // Show the link and its QR code, as the page does once the link exists.
  const field = document.createElement("input");
  field.readOnly = true;
  field.value = link.short_url;
  field.className = "feed-link-field";
  field.setAttribute("aria-label", button.textContent);
  const qr = document.createElement("img");
  qr.className = "feed-qr";
  qr.src = link.qr;
  qr.alt = form.dataset.qrAlt;
  qr.width = 112;
  qr.height = 112;
  form.after(field, qr);
  field.addEventListener("focus", () => field.select());
});
