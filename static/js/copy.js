// Copy-to-clipboard for share links: any <button data-copy="#input-id">.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const text = field.value || field.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    field.select?.();
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = button.dataset.copied || "Copied";
  button.classList.add("done");
  setTimeout(() => { button.textContent = label; button.classList.remove("done"); }, 1500);
});
