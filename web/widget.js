// Widget de chat du cabinet : une seule balise sur le site du cabinet,
//   <script src="https://ADRESSE-DE-LA-PAGE-DE-CHAT/widget.js" async></script>
// ajoute un bouton « Prendre rendez-vous » qui ouvre la page de chat (même conversation, mêmes messages
// du secrétariat en direct) dans un cadre. Aucune dépendance, aucune étape de construction.
(function () {
  "use strict";
  if (window.__cabinetChatWidget) return;
  window.__cabinetChatWidget = true;
  const script = document.currentScript;
  const origin = new URL(script ? script.src : "/", window.location.href).origin;

  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Prendre rendez-vous";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "cabinet-chat-frame");
  button.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;padding:.75rem 1.1rem;"
    + "font:16px system-ui,sans-serif;background:#1d5c8f;color:#fff;border:0;border-radius:2rem;cursor:pointer;"
    + "box-shadow:0 2px 8px rgba(0,0,0,.3)";

  const frame = document.createElement("iframe");
  frame.id = "cabinet-chat-frame";
  frame.title = "Assistant du cabinet : prise de rendez-vous";
  frame.hidden = true;
  frame.style.cssText = "position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));"
    + "height:min(36rem,calc(100vh - 6rem));border:1px solid #b8c4d0;border-radius:.75rem;background:#fff;"
    + "box-shadow:0 4px 16px rgba(0,0,0,.25)";

  button.addEventListener("click", function () {
    if (!frame.src) frame.src = origin + "/";
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    button.textContent = frame.hidden ? "Prendre rendez-vous" : "Fermer la conversation";
    if (!frame.hidden) frame.focus();
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
