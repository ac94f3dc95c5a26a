// The header's <details> menus. On wide screens "More" and the account part are
// drop-downs: they close when a click lands outside them or on Escape, as menus do. On
// phones the whole menu is the drop-down, and "More" and the account part are plain
// sections of it, kept open here so that what is shown is also what the browser (and a
// screen reader) considers open. Without this script the menus still open and close by
// their own summaries.
const wide = window.matchMedia("(min-width: 1120px)");

function keepSectionsOpen() {
  for (const fold of document.querySelectorAll("header details.fold")) {
    fold.open = !wide.matches;
  }
}

/** The open drop-downs that an outside click or Escape closes at this width. */
function openDropDowns() {
  return [...document.querySelectorAll("header details[open]")].filter((d) =>
    wide.matches ? d.classList.contains("fold") : d.id === "menu"
  );
}

keepSectionsOpen();
wide.addEventListener("change", keepSectionsOpen);
document.addEventListener("click", (event) => {
  for (const open of openDropDowns()) {
    if (!open.contains(event.target)) open.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const open of openDropDowns()) open.open = false;
});
