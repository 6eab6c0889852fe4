// Two taps for what is hard to undo (check out, leave): the first only warns.

const CONFIRM_MS = 5000; // the second tap's window

export function createConfirm({ onChange }) {
  let confirming = null; // {what, until}
  return {
    /** True on the second tap within the window; the first starts it. */
    tap(what) {
      const now = Date.now();
      if (confirming && confirming.what === what && now < confirming.until) {
        confirming = null;
        return true;
      }
      confirming = { what, until: now + CONFIRM_MS };
      onChange();
      setTimeout(onChange, CONFIRM_MS + 50);
      return false;
    },
    active: (what) => Boolean(confirming && confirming.what === what && Date.now() < confirming.until),
  };
}
