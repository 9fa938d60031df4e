/* Soft Reboot patient chat: what the page does in the browser, around Gradio's own code.
   Loaded into the chat page's <head> (web/patient.py: patient_head). window.SR_TEXT holds the texts,
   which come from chatbot/safety/messages.py.

   1. A new reply is scrolled so that its START is in view (a crisis card can be 1,100-1,900 px tall:
      scrolling to the bottom would hide its first lines), in the chat's own scroller and in the page.
   2. A crisis card is announced once, through one live region, when its reply arrives.
   3. Messages get clean accessible names (Gradio names them with their raw HTML).
   4. Any connection error (the server stopped, a proxy's 502/503/504, the network gone) shows the crisis
      lines and the clinic's phone at once, and keeps the conversation and the unsent message: a failed
      send is reported to Gradio as "busy" instead of a broken connection, so Gradio does not reload the
      page when the server comes back (its reload wiped everything).
   5. In the website widget (an iframe): Escape closes the widget, and the question box takes focus
      when the widget opens.
   6. The conversation and the unsent question survive a reload: Gradio reloads the page once the server is
      back after a BROKEN connection (a reply cut off mid-stream by a restart or a proxy), which wiped both. They
      are kept in the tab's sessionStorage (never localStorage: nothing outlives the tab on a shared computer)
      on every change and just before the page goes; the page's load event restores them (web/patient.py). */
(function () {
  "use strict";
  if (window.__srChat) return;
  var T = window.SR_TEXT || {};
  var S = (window.__srChat = { alerts: 0, replies: 0, offline: false, outages: 0 });
  var embedded = window.parent !== window;
  document.documentElement.classList.add("sr-page");

  // ---- 4. connection errors --------------------------------------------------------------------
  var realFetch = window.fetch.bind(window);
  function isOurs(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input);
    var ours = isOurs(url);
    return realFetch(input, init).then(function (response) {
      if (ours && response.status >= 502 && response.status <= 504) goOffline();
      return response;
    }, function (error) {
      if (!ours || (error && error.name === "AbortError")) throw error;
      goOffline();
      if (/\/gradio_api\/queue\/join/.test(url)) {
        // "busy" (503), not "broken": Gradio keeps working (and does not reload) once the server is back
        return new Response(JSON.stringify({ detail: T.outage_short || "unavailable" }), { status: 503, headers: { "Content-Type": "application/json" } });
      }
      throw error;
    });
  };

  function outageBox() {
    var box = document.getElementById("sr-outage");
    if (!box) {
      box = document.createElement("div");
      box.id = "sr-outage";
      box.className = "sr-outage";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    return box;
  }
  function goOffline() {
    if (S.offline) return;
    S.offline = true;
    S.outages += 1;
    document.documentElement.classList.add("sr-offline");
    outageBox().innerHTML = T.outage_html || "";
    setTimeout(poll, 2000);
  }
  function poll() {
    realFetch(new URL("/healthz", location.href).toString(), { cache: "no-store" }).then(function (r) {
      if (r.ok) return backOnline();
      setTimeout(poll, 2000);
    }, function () { setTimeout(poll, 2000); });
  }
  function backOnline() {
    S.offline = false;
    document.documentElement.classList.remove("sr-offline");
    var box = outageBox();
    box.innerHTML = T.back_html || "";
    setTimeout(function () { if (!S.offline) box.innerHTML = ""; }, 8000);
  }
  window.addEventListener("offline", goOffline);

  // ---- 1-3. new replies --------------------------------------------------------------------------
  function scroller(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var o = getComputedStyle(p).overflowY;
      if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  }
  function showStart(row) {
    // the chat's own scroller first: the reply's top at its top
    var box = scroller(row);
    if (box) box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - 4;
    // then the page (phones: the page scrolls too), leaving room for the fixed outage bar if any
    var top = row.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 80) window.scrollBy(0, top - 8);
  }
  function announce(text) {
    var live = document.getElementById("sr-alert");
    if (!live) return;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);  // a change, so screen readers speak it
    S.alerts += 1;
  }
  function cleanNames(root) {
    root.querySelectorAll("[data-testid=bot][aria-label], [data-testid=user][aria-label]").forEach(function (el) {
      var name = el.getAttribute("data-testid") === "bot" ? (T.bot_label || "Assistant's reply") : (T.user_label || "Your message");
      if (el.getAttribute("aria-label") !== name) el.setAttribute("aria-label", name);
      if (el.getAttribute("role") !== "group") el.setAttribute("role", "group");
    });
  }
  // the conversation takes the height that leaves the question box, Send and "Talk to a person" in view
  function fit() {
    var chat = document.getElementById("sr-chat");
    var talk = document.getElementById("sr-talk");
    if (!chat || !talk) return;
    var others = talk.getBoundingClientRect().bottom + window.scrollY - chat.offsetHeight;
    var h = Math.round(Math.max(embedded ? 120 : 180, Math.min(embedded ? 4000 : 560, window.innerHeight - others - 12)));
    if (Math.abs(chat.offsetHeight - h) > 2) chat.style.setProperty("height", h + "px", "important");
    // a small phone (320x568) cannot show the header AND the controls even with the shortest chat: until the
    // first message, scroll the page so that the question box, Send and "Talk to a person" are in view
    if (!chat.querySelector(".message-row")) {
      var bottom = talk.getBoundingClientRect().bottom;
      if (bottom > window.innerHeight - 4) window.scrollBy(0, bottom - window.innerHeight + 8);
    }
  }
  window.addEventListener("resize", fit);
  function check() {
    var chat = document.getElementById("sr-chat");
    if (!chat) return;
    fit();
    if (S.wantFocus) {
      var input = document.querySelector("#sr-input textarea");
      if (input) { input.focus(); S.wantFocus = false; }
    }
    cleanNames(chat);
    var rows = chat.querySelectorAll(".message-row");
    var bots = chat.querySelectorAll(".message-row.bot-row");
    if (bots.length < S.replies) S.replies = bots.length;  // cleared
    if (bots.length > S.replies) {
      S.replies = bots.length;
      var row = bots[bots.length - 1];
      showStart(row);
      var card = row.querySelector(".sr-crisis:not(.sr-crisis-short)");
      if (card && !row.hasAttribute("data-sr-announced")) {
        row.setAttribute("data-sr-announced", "1");
        announce(card.textContent.replace(/\s+/g, " ").trim());
      }
    } else if (rows.length && rows[rows.length - 1].classList.contains("user-row") && rows.length !== S.rows) {
      showStart(rows[rows.length - 1]);  // the question just sent, while the reply is on its way
    }
    S.rows = rows.length;
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; check(); });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"] });

  // ---- 6. the conversation across a reload ------------------------------------------------------
  var KEY = "sr-chat", MAX_AGE_MS = 2 * 3600 * 1000;  // an abandoned tab's chat is not brought back hours later
  var memory = null;  // when the browser denies storage (some third-party iframe settings): this page only
  function store(value) {
    try { if (value === null) sessionStorage.removeItem(KEY); else sessionStorage.setItem(KEY, value); } catch (e) { memory = value; }
  }
  function stored() {
    try { return sessionStorage.getItem(KEY); } catch (e) { return memory; }
  }
  function draftNow() {
    var input = document.querySelector("#sr-input textarea");
    return input ? input.value : "";
  }
  function persist() {
    if (!S.ready) return;  // until the page's load event has read what an earlier page saved, never overwrite it
    store(JSON.stringify({ messages: S.messages, draft: draftNow(), at: Date.now() }));
  }
  window.__srSave = function (messages) {
    S.messages = (messages || []).map(function (x) { return { role: x.role, content: x.content }; });
    persist();
  };
  window.__srRestore = function () {
    var raw = stored();
    S.ready = true;
    S.messages = S.messages || [];
    try {
      var data = raw && JSON.parse(raw);
      if (!data || Date.now() - (data.at || 0) > MAX_AGE_MS) { store(null); return ""; }
      S.restored = (data.messages || []).length;
      return raw;
    } catch (e) { return ""; }
  };
  document.addEventListener("input", function (e) {
    if (e.target && e.target.closest && e.target.closest("#sr-input")) persist();
  }, true);
  window.addEventListener("pagehide", persist);

  // ---- 5. inside the widget ------------------------------------------------------------------------
  if (embedded) {
    document.documentElement.classList.add("sr-embedded");
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") window.parent.postMessage({ softreboot: "close" }, "*");
    }, true);
    window.addEventListener("message", function (e) {
      if (e.source !== window.parent || !e.data || e.data.softreboot !== "focus") return;
      var input = document.querySelector("#sr-input textarea");
      if (input) input.focus();
      else S.wantFocus = true;  // Gradio has not drawn it yet
    });
  }
})();
