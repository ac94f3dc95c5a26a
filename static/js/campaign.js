// The campaign forms' GA4 channel preview, kept current while the UTM fields are typed in.
// The rules live on the server (domain::utm::channel_preview): this asks
// /admin/campaigns/preview for the typed values and shows its answer. Without script the
// preview is the one of the page as rendered, and saving checks it again anyway.
(() => {
  const box = document.getElementById("ga4-preview");
  if (!box || !window.fetch) return;
  const form = box.closest("form");
  const accept = document.getElementById("ga4-accept");
  const fields = { source: "utm_source", medium: "utm_medium", campaign: "utm_campaign", name: "name" };
  let timer = null;
  let asked = 0;

  function item(parts, warn) {
    const li = document.createElement("li");
    if (warn) li.className = "warn";
    for (const [tag, text, cls] of parts) {
      const el = document.createElement(tag);
      el.textContent = text;
      if (cls) el.className = cls;
      li.append(el, " ");
    }
    return li;
  }

  function show(preview) {
    document.getElementById("ga4-headline").textContent = preview.headline;
    document.getElementById("ga4-groups").replaceChildren(
      ...preview.groups.map((g) => item([["strong", g.label], ["span", g.networks, "muted"]], g.warn)));
    document.getElementById("ga4-warnings").replaceChildren(
      ...preview.warnings.map((w) => item([["span", w]], false)));
    box.classList.toggle("warn", preview.warnings.length > 0);
    if (accept) accept.hidden = preview.warnings.length === 0;
  }

  async function refresh() {
    const params = new URLSearchParams();
    for (const [param, name] of Object.entries(fields)) {
      const input = form.elements.namedItem(name);
      if (input) params.set(param, input.value);
    }
    const mine = ++asked;
    try {
      const res = await fetch(`${box.dataset.previewUrl}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!res.ok) return;
      const preview = await res.json();
      // An older answer arriving late must not replace a newer one.
      if (mine === asked) show(preview);
    } catch (err) {
      // Offline for a moment: the preview stays as it was; saving checks again.
    }
  }

  for (const name of Object.values(fields)) {
    const input = form.elements.namedItem(name);
    if (!input) continue;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 120);
    });
  }
})();
