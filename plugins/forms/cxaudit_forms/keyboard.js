// Helpers for the keyboard check, called as execute_script(source + call).
// prepare() puts a focusable marker just before the form, focuses it and
// stores what restore() puts back. step() reports which target has focus
// now and whether its look changed.
function lookOf(element) {
  const style = getComputedStyle(element);
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow, style.borderTopColor,
          style.borderBottomColor, style.borderTopWidth, style.backgroundColor, style.color, style.textDecorationLine].join("|");
}

function prepare(form, targets) {
  const marker = document.createElement("span");
  marker.tabIndex = 0;
  marker.setAttribute("data-cxaudit-marker", "");
  form.parentNode.insertBefore(marker, form);
  window.__cxauditKeyboard = {
    marker: marker,
    active: document.activeElement,
    scroll: [window.scrollX, window.scrollY],
    values: targets.map((t) => [t.value, t.checked]),
    looks: targets.map(lookOf),
  };
  marker.focus();
  const focusable = form.querySelectorAll("a[href], button, input, select, textarea, iframe, [tabindex], [contenteditable]");
  return {
    boxes: targets.map((t) => { const box = t.getBoundingClientRect(); return [box.top + window.scrollY, box.left + window.scrollX]; }),
    focusable: focusable.length,
  };
}

function step(targets, form) {
  const state = window.__cxauditKeyboard;
  const active = document.activeElement;
  const index = targets.indexOf(active);
  const box = active ? active.getBoundingClientRect() : null;
  const visible = Boolean(box && box.width > 1 && box.height > 1 && getComputedStyle(active).opacity !== "0");
  return {
    index: index,
    inside: Boolean(active && form.contains(active)),
    after: Boolean(active && active !== document.body && (form.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) && !form.contains(active)),
    changed: index >= 0 ? lookOf(active) !== state.looks[index] : null,
    visible: visible,
  };
}

function restore(targets) {
  const state = window.__cxauditKeyboard;
  if (!state) return;
  if (document.activeElement) document.activeElement.blur();
  targets.forEach((t, i) => { t.value = state.values[i][0]; t.checked = state.values[i][1]; });
  state.marker.remove();
  if (state.active && state.active !== document.body && state.active.focus) state.active.focus();
  window.scrollTo(state.scroll[0], state.scroll[1]);
  delete window.__cxauditKeyboard;
}
