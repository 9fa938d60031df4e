/* Soft Reboot chat bubble: <script src="https://ASSISTANT-HOST/widget.js" async></script>, an iframe of
   ASSISTANT-HOST/chat/. A modal dialog; Escape closes it (the chat posts "close"); on phones it fills the screen,
   the bubble hidden. OUTAGE = chatbot/safety/messages.py's OUTAGE (tested). */
(function () {
  "use strict";
  var me = document.currentScript, d = document;
  if (!me || window.__softRebootWidget) return;
  window.__softRebootWidget = true;
  var origin = new URL(me.src, location.href).origin;
  var label = me.getAttribute("data-label") || "Questions? Chat with us";
  var closeLabel = "Close the chat", NAME = "Soft Reboot Wellness chat (automated assistant)";
  var OUTAGE = "The assistant can't be reached right now. Your conversation and your message are kept here. If you are in crisis, call or text 988 (Suicide & Crisis Lifeline), or call 911. To reach a person at Soft Reboot Wellness, call 650-419-3330 or email hello@softrebootwellness.com.";
  var css = ".srw-btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;min-height:44px;" +
    "background:#1f4e79;color:#fff;font:600 16px/1.2 system-ui,sans-serif;box-shadow:0 4px 14px #0004;cursor:pointer}" +
    ".srw-btn:focus-visible,.srw-close:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".srw-panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:400px;max-width:calc(100vw - 24px);" +
    "height:640px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px #0005;" +
    "display:flex;flex-direction:column;overflow:hidden}.srw-panel[hidden]{display:none}" +
    ".srw-bar{display:flex;justify-content:space-between;align-items:center;padding:6px 8px 6px 12px;background:#1f4e79;color:#fff;font:600 15px system-ui,sans-serif}" +
    ".srw-bar h2{font:inherit;margin:0}" +
    ".srw-close{background:none;border:0;color:#fff;font-size:24px;cursor:pointer;line-height:1;min-width:44px;min-height:44px}" +
    ".srw-frame{flex:1;border:0;width:100%}" +
    ".srw-offline{background:#fff4f4;color:#3d0008;border-bottom:3px solid #b00020;padding:10px 12px;font:600 15px/1.4 system-ui,sans-serif}" +
    ".srw-offline a{color:#0842a0}.srw-offline[hidden]{display:none}" +
    "@media (max-width:480px){.srw-panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}" +
    ".srw-open .srw-btn{display:none}}";
  var style = d.createElement("style");
  style.textContent = css;
  d.head.appendChild(style);

  var root = d.createElement("div");
  root.className = "srw-root";
  var button = d.createElement("button");
  button.type = "button";
  button.className = "srw-btn";
  button.textContent = label;
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");

  var panel = d.createElement("div");
  panel.className = "srw-panel";
  panel.id = "srw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "true");
  panel.setAttribute("aria-labelledby", "srw-title");
  button.setAttribute("aria-controls", panel.id);
  var bar = d.createElement("div");
  bar.className = "srw-bar";
  var title = d.createElement("h2");
  title.id = "srw-title";
  title.textContent = NAME;
  var close = d.createElement("button");
  close.type = "button";
  close.className = "srw-close";
  close.setAttribute("aria-label", closeLabel);
  close.textContent = "\u00d7";
  bar.appendChild(title);
  bar.appendChild(close);
  panel.appendChild(bar);
  var offline = d.createElement("div");
  offline.className = "srw-offline";
  offline.setAttribute("role", "alert");
  offline.hidden = true;
  panel.appendChild(offline);

  function linked(text) {
    return text.replace("call or text 988", 'call or text <a href="tel:988">988</a>').replace("call 911", 'call <a href="tel:911">911</a>')
      .replace("650-419-3330", '<a href="tel:+16504193330">650-419-3330</a>')
      .replace("hello@softrebootwellness.com", '<a href="mailto:hello@softrebootwellness.com">hello@softrebootwellness.com</a>');
  }
  function probe() {
    // no-cors: an opaque answer means the server is there
    fetch(origin + "/healthz", { mode: "no-cors", cache: "no-store" }).then(function () {
      offline.hidden = true;
      offline.innerHTML = "";
    }, function () {
      offline.innerHTML = linked(OUTAGE);
      offline.hidden = false;
    });
  }

  var frame = null;
  function focusChat() {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ softreboot: "focus" }, origin);
  }
  function open() {
    if (!frame) {
      frame = d.createElement("iframe");
      frame.className = "srw-frame";
      frame.title = NAME;
      frame.src = origin + "/chat/";
      frame.onload = function () { setTimeout(focusChat, 300); };
      panel.appendChild(frame);
    }
    probe();
    panel.hidden = false;
    root.classList.add("srw-open");
    button.setAttribute("aria-expanded", "true");
    button.textContent = closeLabel;
    close.focus();
    focusChat();
  }
  function shut() {
    if (panel.hidden) return;
    panel.hidden = true;
    root.classList.remove("srw-open");
    button.setAttribute("aria-expanded", "false");
    button.textContent = label;
    button.focus();
  }
  button.onclick = function () { panel.hidden ? open() : shut(); };
  close.onclick = shut;
  d.addEventListener("keydown", function (e) { if (e.key === "Escape") shut(); });
  window.addEventListener("message", function (e) {
    if (e.origin === origin && e.data && e.data.softreboot === "close") shut();
  });
  // aria-modal: focus stays in the panel while it is open
  d.addEventListener("focusin", function (e) {
    if (!panel.hidden && !root.contains(e.target)) close.focus();
  });
  root.appendChild(panel);
  root.appendChild(button);
  d.body.appendChild(root);
})();
