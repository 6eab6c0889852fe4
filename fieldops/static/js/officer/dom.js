// Small DOM helpers of the officer page.

export const $ = (id) => document.getElementById(id);

export function show(el, visible) {
  el.hidden = !visible;
}

export function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

export function online() {
  return navigator.onLine !== false;
}
