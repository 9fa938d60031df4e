/* Soft Reboot Wellness chat bubble. Include with one tag:
   <script src="https://ASSISTANT-HOST/widget.js" async></script>
   The chat itself is an iframe of ASSISTANT-HOST/chat/ (allowed embedders: SOFTREBOOT_EMBED_ORIGINS). */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.__softRebootWidget) return;
  window.__softRebootWidget = true;
  var origin = new URL(me.src, location.href).origin;
  var label = me.getAttribute("data-label") || "Questions? Chat with us";
  var css = ".srw-btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 20px;" +
    "background:#1f4e79;color:#fff;font:600 16px/1.2 system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer}" +
    ".srw-btn:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".srw-panel{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:400px;max-width:calc(100vw - 24px);" +
    "height:640px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);" +
    "display:flex;flex-direction:column;overflow:hidden}.srw-panel[hidden]{display:none}" +
    ".srw-bar{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;background:#1f4e79;color:#fff;font:600 15px system-ui,sans-serif}" +
    ".srw-close{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}" +
    ".srw-frame{flex:1;border:0;width:100%}" +
    "@media (max-width:480px){.srw-panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}";
  var style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);

  var button = document.createElement("button");
  button.type = "button";
  button.className = "srw-btn";
  button.textContent = label;
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-expanded", "false");

  var panel = document.createElement("div");
  panel.className = "srw-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Chat with Soft Reboot Wellness (automated assistant)");
  var bar = document.createElement("div");
  bar.className = "srw-bar";
  var title = document.createElement("span");
  title.textContent = "Soft Reboot Wellness";
  var close = document.createElement("button");
  close.type = "button";
  close.className = "srw-close";
  close.setAttribute("aria-label", "Close the chat");
  close.textContent = "\u00d7";
  bar.appendChild(title);
  bar.appendChild(close);
  panel.appendChild(bar);

  var frame = null;
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.className = "srw-frame";
      frame.title = "Soft Reboot Wellness chat (automated assistant)";
      frame.src = origin + "/chat/";
      frame.setAttribute("allow", "clipboard-write");
      panel.appendChild(frame);
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    close.focus();
  }
  function shut() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
  button.addEventListener("click", function () { panel.hidden ? open() : shut(); });
  close.addEventListener("click", shut);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) shut(); });
  document.body.appendChild(panel);
  document.body.appendChild(button);
})();
