// Which screen is shown (loading, join, joined, main, the tracking apps' help), the fixed
// bars' heights, and the notice on a page that is not secure.

import { $, show } from "./dom.js";

const SCREENS = ["screen-loading", "screen-join", "screen-joined", "screen-main", "help"];

export function createScreens({ secureUrl, onMain }) {
  let returnTo = "screen-main";
  const insecure = window.isSecureContext === false; // no location, camera or offline use there

  function current() {
    return SCREENS.find((name) => !$(name).hidden) || "screen-loading";
  }

  function showScreen(id) {
    for (const name of SCREENS) show($(name), name === id);
    show($("action-bar"), id === "screen-main"); // over the sheets too: they open from main
    window.scrollTo(0, 0);
    if (id === "screen-main") onMain();
  }

  function showJoin(notice) {
    const box = $("join-notice");
    box.textContent = notice || "";
    show(box, Boolean(notice));
    showScreen("screen-join");
  }

  /** The takeover stack (top) and the help dock (bottom) are fixed: the page and the sheets
   * keep clear of them through two CSS variables. */
  function watchFixedBars() {
    const root = document.documentElement.style;
    const measure = () => {
      root.setProperty("--takeover-h", `${$("takeover").offsetHeight}px`);
      root.setProperty("--dock-h", `${$("action-bar").hidden ? 0 : $("action-bar").offsetHeight}px`);
    };
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(measure);
      observer.observe($("takeover"));
      observer.observe($("action-bar"));
    }
    new MutationObserver(measure).observe($("action-bar"), { attributes: true, attributeFilter: ["hidden"] });
    measure();
  }

  function showSecureNotice() {
    if (!insecure) return;
    for (const box of document.querySelectorAll("[data-secure-notice]")) {
      box.textContent = "This page is not secure: the phone will not share its location here. ";
      if (secureUrl) {
        const link = Object.assign(document.createElement("a"), { href: secureUrl, textContent: secureUrl });
        box.append("Open ", link, " instead. If the phone warns about the certificate: Advanced, then Proceed.");
      } else {
        box.append("Open its https:// address instead: ask the command post for it.");
      }
      show(box, true);
    }
  }

  function openHelp(event) {
    event.preventDefault();
    returnTo = current();
    for (const el of document.querySelectorAll("[data-origin]")) el.textContent = `${location.origin}${el.dataset.origin}`;
    showScreen("help");
  }

  /** Back from the tracking apps' help to where it was opened. */
  function closeHelp() {
    showScreen(returnTo === "help" ? "screen-main" : returnTo);
  }

  for (const link of document.querySelectorAll("[data-help-link]")) link.addEventListener("click", openHelp);

  return { insecure, current, showScreen, showJoin, watchFixedBars, showSecureNotice, closeHelp };
}

/** The device token as text and as a QR code (for a tracking app). */
export function fillToken(session, textId, imgId) {
  const text = $(textId);
  if (text.textContent !== session.token) text.textContent = session.token;
  const svg = session.qr || "";
  $(imgId).src = svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : "";
  show($(imgId).parentElement, Boolean(svg));
}
