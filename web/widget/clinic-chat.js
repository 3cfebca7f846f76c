/*
 * Clinic patient chat widget. Add it to any page with one script tag:
 *
 *   <script src="https://YOUR-HOST/widget/clinic-chat.js" defer
 *           data-server="https://chat.your-clinic.example"  (the Rasa server; required)
 *           data-title="Maple Grove Family Health"
 *           data-subtitle="Questions about appointments, billing, directions"
 *           data-color="#0b5d4b"  data-text-color="#ffffff"
 *           data-lang="en"  data-init-payload="/greet"
 *           data-notice="In an emergency, call 911."></script>
 *
 * It loads clinic-chat.css and socket.io.min.js from the folder it was loaded from.
 * Privacy: the browser keeps only the session id and its server-signed token, in
 * sessionStorage (gone when the tab closes); the conversation itself is re-sent by the server
 * after a reload. Every message is rendered as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__clinicChatLoaded) return;
  window.__clinicChatLoaded = true;

  var base = script.src.replace(/[^/]*(\?.*)?$/, "");
  var data = script.dataset;
  var STRINGS = {
    en: {
      open: "Chat with us",
      close: "Close chat",
      conversation: "Conversation",
      inputLabel: "Type your message",
      placeholder: "Type your message…",
      send: "Send",
      you: "You said:",
      assistant: "Assistant said:",
      staffSuffix: "clinic staff",
      staffSaid: "said:",
      choices: "Choices",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      reconnecting: "Connection lost. Reconnecting…",
      newSession: "A new conversation has started.",
      tooLong: "Messages can be up to {n} characters.",
      count: "{used} of {n} characters",
      notice: "Don't use this chat in an emergency: call your local emergency number.",
    },
    es: {
      open: "Chatee con nosotros",
      close: "Cerrar chat",
      conversation: "Conversación",
      inputLabel: "Escriba su mensaje",
      placeholder: "Escriba su mensaje…",
      send: "Enviar",
      you: "Usted dijo:",
      assistant: "El asistente dijo:",
      staffSuffix: "personal de la clínica",
      staffSaid: "dijo:",
      choices: "Opciones",
      typing: "El asistente está escribiendo…",
      connecting: "Conectando…",
      reconnecting: "Se perdió la conexión. Reconectando…",
      newSession: "Ha comenzado una nueva conversación.",
      tooLong: "Los mensajes pueden tener hasta {n} caracteres.",
      count: "{used} de {n} caracteres",
      notice: "No use este chat en una emergencia: llame al número de emergencias local.",
    },
  };

  var lang = (data.lang || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  var t = STRINGS[lang] || STRINGS.en;
  var options = {
    server: (data.server || window.location.origin).replace(/\/+$/, ""),
    socketPath: data.socketPath || "/socket.io",
    title: data.title || "Patient support",
    subtitle: data.subtitle || "",
    color: data.color || "#0b5d4b",
    textColor: data.textColor || "",
    initPayload: data.initPayload || "",
    notice: data.notice || t.notice,
    maxChars: Math.max(1, parseInt(data.maxChars || "1000", 10) || 1000),
  };
  var STORE_KEY = "clinic-chat:" + options.server;

  // --- colours: keep text readable whatever colour the clinic picks (WCAG AA, 4.5:1) ------

  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex);
    if (!m) return null;
    var n = parseInt(m[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
      .map(function (c) {
        c /= 255;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      })
      .reduce(function (sum, c, i) { return sum + c * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    if (la === null || lb === null) return 0;
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  if (luminance(options.color) === null) options.color = "#0b5d4b";
  if (!options.textColor || contrast(options.color, options.textColor) < 4.5) {
    options.textColor = contrast(options.color, "#ffffff") >= contrast(options.color, "#111111")
      ? "#ffffff" : "#111111";
  }

  // --- session storage: id + token only ------------------------------------------------------

  function loadState() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "{}") || {}; }
    catch (e) { return {}; }
  }
  function saveState(patch) {
    var state = loadState();
    Object.keys(patch).forEach(function (k) { state[k] = patch[k]; });
    try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // --- DOM -------------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var root = el("div", { className: "clinic-chat", lang: lang });
  root.style.setProperty("--cc-color", options.color);
  root.style.setProperty("--cc-on-color", options.textColor);

  var launcher = el("button", {
    className: "cc-launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "clinic-chat-panel",
  });
  launcher.appendChild(el("span", { className: "cc-launcher-icon", "aria-hidden": "true" }, "💬"));
  launcher.appendChild(el("span", {}, t.open));

  var panel = el("section", {
    className: "cc-panel", id: "clinic-chat-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "clinic-chat-title",
  });
  panel.hidden = true;
  var header = el("header", { className: "cc-header" });
  var heading = el("div", { className: "cc-heading" });
  heading.appendChild(el("h2", { id: "clinic-chat-title", className: "cc-title" }, options.title));
  if (options.subtitle) heading.appendChild(el("p", { className: "cc-subtitle" }, options.subtitle));
  var closeButton = el("button", { className: "cc-close", type: "button", "aria-label": t.close }, "×");
  header.appendChild(heading);
  header.appendChild(closeButton);

  var notice = el("p", { className: "cc-notice" }, options.notice);
  var log = el("div", {
    className: "cc-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": t.conversation, tabindex: "0",
  });
  var status = el("p", { className: "cc-status", role: "status", "aria-live": "polite" });
  var form = el("form", { className: "cc-form", novalidate: "" });
  var label = el("label", { className: "cc-sr", for: "clinic-chat-input" }, t.inputLabel);
  var input = el("textarea", {
    id: "clinic-chat-input", className: "cc-input", rows: "1",
    maxlength: String(options.maxChars), placeholder: t.placeholder, autocomplete: "off",
    "aria-describedby": "clinic-chat-count",
  });
  var send = el("button", { className: "cc-send", type: "submit" }, t.send);
  var count = el("p", { className: "cc-count", id: "clinic-chat-count", "aria-live": "polite" });
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  form.appendChild(count);

  panel.appendChild(header);
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  // --- links: http(s) only, as real anchors; everything else is text -------------------------

  var URL_RE = /https?:\/\/[^\s<>"']+/g;
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)]+$/, "");
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var ok = false;
      try { ok = /^https?:$/.test(new URL(url).protocol); } catch (e) { ok = false; }
      if (ok) {
        var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url);
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(url));
      }
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // --- messages ---------------------------------------------------------------------------------

  var typingNode = null;
  var typingTimer = null;

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function disableChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".cc-choice"), function (b) { b.disabled = true; });
  }

  function addMessage(message, enableChoices, chosenTitle) {
    var who = message.sender === "user" ? "user" : message.notice ? "notice" : "bot";
    var staff = who === "bot" && message.from_staff;
    var item = el("div", { className: "cc-msg cc-" + (staff ? "staff" : who) });
    if (staff) {
      var name = (message.staff_name || "").trim();
      var labelText = (name ? name + " " : "") + "(" + t.staffSuffix + ")";
      item.appendChild(el("span", { className: "cc-who" }, labelText));
      item.appendChild(el("span", { className: "cc-sr" }, " " + t.staffSaid + " "));
    } else if (who === "user") {
      item.appendChild(el("span", { className: "cc-sr" }, t.you + " "));
    } else if (who === "bot") {
      item.appendChild(el("span", { className: "cc-sr" }, t.assistant + " "));
    }
    var body = el("div", { className: "cc-text" });
    if (who === "user") body.textContent = message.text || "";
    else appendLinkified(body, message.text || "");
    item.appendChild(body);

    var buttons = message.buttons || message.quick_replies || [];
    if (buttons.length) {
      var group = el("div", { className: "cc-choices", role: "group", "aria-label": t.choices });
      buttons.forEach(function (b) {
        var button = el("button", { className: "cc-choice", type: "button" }, b.title || b.payload);
        button.disabled = !enableChoices;
        if (chosenTitle && chosenTitle === (b.title || b.payload)) button.classList.add("cc-chosen");
        button.addEventListener("click", function () {
          if (button.disabled) return;
          disableChoices();
          button.classList.add("cc-chosen");
          sendMessage(b.payload || b.title, b.title || b.payload);
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    if (message.attachment && message.attachment.payload && message.attachment.payload.src) {
      var src = String(message.attachment.payload.src);
      if (/^https?:\/\//.test(src)) appendLinkified(body, "\n" + src);
    }
    log.appendChild(item);
    scrollDown();
  }

  function showTyping(on) {
    if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
    if (typingNode) { typingNode.remove(); typingNode = null; }
    if (!on) return;
    typingNode = el("div", { className: "cc-msg cc-bot cc-typing", "aria-hidden": "true" }, "…");
    log.appendChild(typingNode);
    status.textContent = t.typing;
    typingTimer = setTimeout(function () { showTyping(false); status.textContent = ""; }, 20000);
    scrollDown();
  }

  function renderTranscript(messages) {
    log.setAttribute("aria-busy", "true");
    log.textContent = "";
    typingNode = null;
    messages.forEach(function (m, i) {
      var next = messages[i + 1];
      var chosen = next && next.sender === "user" ? next.text : null;
      addMessage(m, !next && m.sender !== "user", chosen);
    });
    log.setAttribute("aria-busy", "false");
  }

  // --- connection ---------------------------------------------------------------------------------

  var socket = null;
  var ready = false;
  var pending = [];
  var greeted = false;
  var restarted = false;

  function emitNow(text) {
    var state = loadState();
    socket.emit("user_uttered", { message: text, session_id: state.session_id });
  }

  function sendMessage(text, shown) {
    text = (text || "").trim().slice(0, options.maxChars);
    if (!text) return;
    if (shown !== null) {
      disableChoices();
      addMessage({ sender: "user", text: shown || text }, false);
    }
    showTyping(true);
    if (ready) emitNow(text);
    else pending.push(text);
  }

  function connect() {
    if (socket || typeof window.io !== "function") return;
    status.textContent = t.connecting;
    socket = window.io(options.server, { path: options.socketPath });
    socket.on("connect", function () {
      var state = loadState();
      socket.emit("session_request", state.session_id
        ? { session_id: state.session_id, token: state.token } : {});
    });
    socket.on("session_confirm", function (d) {
      if (!d || typeof d !== "object") return;
      var previous = loadState().session_id;
      saveState({ session_id: d.session_id, token: d.token });
      restarted = !d.resumed && !!previous;
    });
    socket.on("session_transcript", function (d) {
      var messages = (d && d.messages) || [];
      var unsent = pending.length > 0;
      if (!unsent) renderTranscript(messages);
      if (restarted) {
        restarted = false;
        addMessage({ notice: true, text: t.newSession }, false);
      }
      ready = true;
      if (status.textContent === t.connecting || status.textContent === t.reconnecting) {
        status.textContent = "";
      }
      while (pending.length) emitNow(pending.shift());
      if (!messages.length && !unsent && !greeted && options.initPayload && !panel.hidden) {
        greeted = true;
        sendMessage(options.initPayload, null);
      }
    });
    socket.on("bot_uttered", function (m) {
      if (!m || typeof m !== "object") return;
      if (!m.notice) showTyping(false);
      if (status.textContent === t.typing) status.textContent = "";
      addMessage(m, true);
    });
    socket.on("disconnect", function () {
      ready = false;
      status.textContent = t.reconnecting;
    });
  }

  // --- behaviour ------------------------------------------------------------------------------------

  function updateCount() {
    var used = input.value.length;
    send.disabled = !input.value.trim();
    if (used >= options.maxChars) {
      count.textContent = t.tooLong.replace("{n}", options.maxChars);
    } else if (used > options.maxChars * 0.8) {
      count.textContent = t.count.replace("{used}", used).replace("{n}", options.maxChars);
    } else {
      count.textContent = "";
    }
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("cc-open");
    saveState({ open: true });
    connect();
    if (ready && !log.querySelector(".cc-bot, .cc-user") && options.initPayload && !greeted) {
      greeted = true;
      sendMessage(options.initPayload, null);
    }
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("cc-open");
    saveState({ open: false });
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  input.addEventListener("input", updateCount);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    updateCount();
    sendMessage(text);
    input.focus();
  });

  function start() {
    document.body.appendChild(root);
    updateCount();
    var state = loadState();
    if (state.session_id) connect(); // restore the conversation after a reload
    if (state.open) open();
  }

  var css = el("link", { rel: "stylesheet", href: base + "clinic-chat.css" });
  document.head.appendChild(css);
  function whenReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }
  if (typeof window.io === "function") {
    whenReady(start);
  } else {
    var io = el("script", { src: base + "socket.io.min.js" });
    io.onload = function () { whenReady(start); };
    io.onerror = function () {
      whenReady(function () { start(); status.textContent = t.reconnecting; });
    };
    document.head.appendChild(io);
  }
})();
