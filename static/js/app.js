// Progressive enhancement only: every page works without JavaScript. On an estimator,
// this script makes the quote live: each change of a field fetches the quote fragment
// the server renders for the form's inputs, swaps its parts into the page, and keeps
// the URL in step with the inputs so a quote can be bookmarked or shared.
"use strict";

document.documentElement.classList.add("js");

(function () {
  const form = document.querySelector("form[data-live]");
  if (!form) return;
  const results = document.getElementById("results");
  let timer = 0;
  let controller = null;

  function query() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  // focusWithin describes the element that has the focus inside el, if one does, so
  // that its counterpart in new content can be found: its id, else its tag, its text
  // and its place among el's elements of that tag.
  function focusWithin(el) {
    const a = document.activeElement;
    if (!a || a === el || !el.contains(a)) return null;
    const same = el.getElementsByTagName(a.tagName);
    return { id: a.id, tag: a.tagName, text: a.textContent, index: Array.prototype.indexOf.call(same, a) };
  }

  // refocus gives the focus back to the counterpart of what had it, so that a quote
  // refreshed under a keyboard user (on Purchase, on a line's details) does not send
  // the focus back to the top of the page.
  function refocus(el, f) {
    let next = f.id ? document.getElementById(f.id) : null;
    if (!next || !el.contains(next)) {
      const same = el.getElementsByTagName(f.tag);
      next = same[f.index];
      if (!next || next.textContent !== f.text) {
        next = Array.prototype.find.call(same, (e) => e.textContent === f.text) || next;
      }
    }
    if (next) next.focus({ preventScroll: true });
  }

  // openDetails lists which of el's <details> are open, by place, and how many there
  // are: a line's "How this is priced" that the reader opened stays open when the
  // quote refreshes with the same lines.
  function openDetails(el) {
    const all = el.getElementsByTagName("details");
    const open = [];
    for (let i = 0; i < all.length; i++) if (all[i].open) open.push(i);
    return { count: all.length, open: open };
  }

  function reopen(el, was) {
    const all = el.getElementsByTagName("details");
    if (all.length !== was.count) return; // other lines: nothing to match them by
    for (const i of was.open) all[i].open = true;
  }

  // swap replaces the content of every element of the page that the fragment has a
  // data-swap part for (same id), and marks each field valid or invalid.
  function swap(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const part of doc.querySelectorAll("[data-swap][id]")) {
      const target = document.getElementById(part.id);
      if (!target) continue;
      // A status line says only what changed: the same totals are not said again.
      if (target.getAttribute("role") === "status" && target.textContent === part.textContent) continue;
      // Read the message before its nodes move into the page (which empties part).
      const invalid = part.textContent.trim() !== "";
      const focused = focusWithin(target);
      const open = openDetails(target);
      target.replaceChildren(...part.childNodes);
      reopen(target, open);
      if (focused) refocus(target, focused);
      const name = part.getAttribute("data-for");
      const input = name && document.getElementById(name);
      if (input) input.setAttribute("aria-invalid", invalid ? "true" : "false");
    }
    // Values the server chose (sizing from needs fills credentials and QPS units),
    // except in the field the user is typing in.
    for (const set of doc.querySelectorAll("data[data-set]")) {
      const input = document.getElementById(set.getAttribute("data-set"));
      if (input && input !== document.activeElement) input.value = set.getAttribute("value");
    }
  }

  async function update() {
    const qs = query();
    // The URL holds an estimate's inputs; a form that posts (the quote builder) keeps it.
    if (!form.hasAttribute("data-keep-url")) history.replaceState(null, "", location.pathname + "?" + qs);
    if (controller) controller.abort();
    controller = new AbortController();
    results.setAttribute("aria-busy", "true");
    try {
      const res = await fetch(form.dataset.live + "?" + qs, { signal: controller.signal });
      // A rep whose session ended is sent to the sign-in page: say so, rather than
      // swap nothing in and leave the totals silently old.
      const landed = new URL(res.url);
      if (res.redirected && landed.pathname === "/signin") {
        throw new Error(landed.searchParams.get("why") === "disabled" ? "disabled" : "signed out");
      }
      if (!res.ok) throw new Error("status " + res.status);
      swap(await res.text());
      results.removeAttribute("aria-busy");
    } catch (err) {
      if (err.name === "AbortError") return; // a newer update is on its way
      results.removeAttribute("aria-busy");
      const message = {
        "signed out": "You are signed out, so the totals are not updated. Sign in again in another tab, then save here: this page keeps what you typed.",
        "disabled": "Your account has been disabled, so the totals are not updated and nothing can be saved. Copy what you need from this page.",
      }[err.message] || "The quote could not be updated. Check your connection and try again.";
      const old = results.querySelector(".update-failed");
      if (old) old.remove(); // one note, however many refreshes failed
      const note = document.createElement("p");
      note.className = "field-error update-failed";
      note.textContent = message;
      results.prepend(note);
      const status = document.getElementById("quote-status");
      if (status) status.textContent = message;
    }
  }

  // The quote is busy from the change that will refresh it, not only while fetching.
  function soon() {
    clearTimeout(timer);
    results.setAttribute("aria-busy", "true");
    timer = setTimeout(update, 150);
  }

  // A term fits its billing mode. The estimator's annual term counts years: a month
  // count left from monthly billing is too many. The builder's term lists each mode's
  // terms in a group whose label starts with the mode's name: the other mode's group
  // is disabled, and when the mode changes (move), a term chosen from it becomes the
  // first of the mode's own. On a page as the server sent it, a term the server
  // refused stays chosen, and its group enabled, until the rep chooses.
  function fitTerm(billing, move) {
    if (billing.id === "billing") {
      const term = document.getElementById("term");
      const years = parseInt(term.value, 10);
      if (billing.value === "annual" && !(years >= 1 && years <= 3)) term.value = "1";
      return;
    }
    const term = form.elements.namedItem(billing.name.replace(/billing$/, "term_months"));
    if (!term || term.tagName !== "SELECT") return;
    const chosen = term.selectedOptions[0];
    for (const g of term.querySelectorAll("optgroup")) {
      const other = !g.label.toLowerCase().startsWith(billing.value);
      g.disabled = other && (move || !chosen || chosen.parentElement !== g);
    }
    if (move && chosen && chosen.parentElement.disabled) {
      const first = term.querySelector("optgroup:not([disabled]) option");
      if (first) term.value = first.value;
    }
  }
  for (const b of form.querySelectorAll('select[name$=".billing"]')) fitTerm(b, false);

  form.addEventListener("input", soon);
  // Enter (a phone keyboard's Go) submits an estimator's form: the quote is live, so
  // it refreshes in place rather than reloading the page and losing the reader's place.
  // A button that sends the form elsewhere (Purchase) still does.
  if (form.method === "get") {
    form.addEventListener("submit", function (e) {
      if (e.submitter && e.submitter.hasAttribute("formaction")) return;
      e.preventDefault();
      clearTimeout(timer);
      update();
    });
  }
  form.addEventListener("change", function (e) {
    const t = e.target;
    // A checkbox that controls a group of fields shows or hides it.
    const controls = t.type === "checkbox" && t.getAttribute("aria-controls");
    if (controls) document.getElementById(controls).hidden = !t.checked;
    // and the fields it has the server fill in are not typed in meanwhile.
    for (const id of (t.getAttribute("data-fills") || "").split(" ").filter(Boolean)) {
      document.getElementById(id).readOnly = t.checked;
    }
    if (t.name === "billing" || t.name.endsWith(".billing")) fitTerm(t, true);
    clearTimeout(timer);
    update();
  });
})();

// Leaving a page: a form that posts is sent once, and the quote builder asks before
// its unsaved changes are left behind.
//
// A second click while a send is on its way would save a quote twice, or change an
// order's status twice, so it sends nothing for a while; a page restored from the
// back-forward cache can send again. After that while, a send the user stopped (or one
// that is lost) can be tried again: the server answers a form sent twice as it
// answered the first. A click with Ctrl, Cmd or Shift sends the form to another tab
// or window: this page stays, and is neither asked about nor marked.
//
// The builder's form counts as unsaved once typed in, or when the server says so (a
// page after "Add a line", or a refused save). Sending it is saving, or an action that
// keeps the form. Sending another form (a share link's, which reloads the saved
// version) asks first, in the submit itself, so that staying sends nothing; following
// a link asks through the browser's own question on leaving, which a send answers
// once, for its own leaving.
(function () {
  const retryAfter = 10000; // ms: a send still on its way is given this long
  const builder = document.querySelector("form[data-warn-unsaved]");
  let unsaved = builder !== null && builder.hasAttribute("data-unsaved");
  let sent = false; // a send is leaving the page: the browser need not ask
  let elsewhere = false; // the click being handled opens its form in another tab

  if (builder) builder.addEventListener("input", function () { unsaved = true; });
  // Every link followed and every button pressed (Enter in a field presses one too)
  // is a click: a new step, which the last send no longer speaks for. (Capturing, so
  // this runs before the submit it may cause.)
  document.addEventListener("click", function (e) {
    sent = false;
    elsewhere = e.ctrlKey || e.metaKey || e.shiftKey;
  }, true);
  document.addEventListener("submit", function (e) {
    const form = e.target;
    if (e.defaultPrevented || form.method !== "post") return;
    if (elsewhere) {
      elsewhere = false;
      return;
    }
    if (form.dataset.sending && performance.now() - Number(form.dataset.sending) < retryAfter) {
      e.preventDefault();
      sent = true; // the first send is still the one leaving
      return;
    }
    if (unsaved && form !== builder &&
        !window.confirm("Leave this page? Your changes to the quote are not saved.")) {
      e.preventDefault();
      return;
    }
    form.dataset.sending = String(performance.now()); // a clock the system's cannot move
    sent = true;
  });
  window.addEventListener("beforeunload", function (e) {
    if (sent) {
      sent = false; // answered, for this leaving only
      return;
    }
    if (!unsaved) return;
    e.preventDefault();
    e.returnValue = ""; // what browsers before Chrome 119 ask for
  });
  window.addEventListener("pageshow", function () {
    for (const form of document.querySelectorAll("form[data-sending]")) delete form.dataset.sending;
    sent = false;
  });
})();

// The print view's Print button, shown only where the script can press it.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}

// A share link, or an order's private link, is shown whole (the page writes its path),
// to paste into an email, with a button that copies it where the browser lets a page
// write to the clipboard. The page's status line says what happened.
(function () {
  const status = document.getElementById("quote-status");
  const buttons = [];
  for (const link of document.querySelectorAll("a[data-share-link]")) {
    link.textContent = link.href;
    if (!navigator.clipboard) continue;
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "button-link";
    copy.textContent = "Copy link";
    // A quote's links are told apart by their version; an order's is its only one.
    const what = link.dataset.version ? "link to version " + link.dataset.version : "link";
    copy.setAttribute("aria-label", "Copy " + what);
    copy.addEventListener("click", async function () {
      for (const b of buttons) b.textContent = "Copy link";
      let said;
      try {
        await navigator.clipboard.writeText(link.href);
        copy.textContent = "Copied";
        said = "The " + what + " is copied.";
      } catch (err) {
        copy.textContent = "Copy failed: select the link and copy it";
        said = "The link could not be copied: select it and copy it.";
      }
      if (status) status.textContent = said;
    });
    buttons.push(copy);
    const revoke = link.parentElement.querySelector("form");
    if (revoke) revoke.before(copy, " ");
    else link.parentElement.append(" ", copy);
  }
})();
