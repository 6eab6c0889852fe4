// Signing out from the command page: end the server session, then go to the sign-in page
// (even when the server cannot be reached: this screen must not stay signed in).

import { $ } from "./format.js";

export function bindSignOut() {
  $("#sign-out").addEventListener("click", async () => {
    const token = document.querySelector('meta[name="csrf-token"]')?.content || "";
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": token } })
      .catch(() => null);
    location.assign("/login");
  });
}
