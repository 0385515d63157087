// Omniflow web chat widget: one dependency-free script. Embed it with
//   <script src="https://your-omniflow/webchat/widget.js" data-channel="CHANNEL_ID"></script>
// It draws a launcher bubble and a chat panel, talks to /webchat/socket (protocol: schemas/src/webchat.ts),
// keeps the visitor id in localStorage to resume the conversation, and reconnects with back-off.
(() => {
  const script = document.currentScript;
  if (!script || window.__omniflowWebChat) return;
  window.__omniflowWebChat = true;
  const channelId = script.getAttribute('data-channel') || 'default';
  const base = new URL(script.src, location.href);
  const socketUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}/webchat/socket?channelId=${encodeURIComponent(channelId)}`;
  const storageKey = `omniflow.webchat.${channelId}.visitor`;

  const zh = /^zh-(hant|tw|hk|mo)/i.test(navigator.language || '') || navigator.language === 'zh';
  const T = zh
    ? {
        open: '開啟對話',
        close: '關閉對話',
        title: '線上客服',
        placeholder: '輸入訊息…',
        send: '傳送',
        typing: '正在輸入…',
        offline: '連線中斷,正在重新連線…',
        handoff: '已為您轉接真人客服,請稍候。',
        file: '下載檔案',
        error: '訊息無法傳送',
      }
    : {
        open: 'Open chat',
        close: 'Close chat',
        title: 'Chat with us',
        placeholder: 'Type a message…',
        send: 'Send',
        typing: 'Typing…',
        offline: 'Connection lost, reconnecting…',
        handoff: 'A person from our team will take it from here.',
        file: 'Download file',
        error: 'The message could not be sent',
      };

  const css = `
.ofw-launch{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#06c755;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}
.ofw-launch:focus-visible,.ofw-panel button:focus-visible,.ofw-panel a:focus-visible,.ofw-input:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
.ofw-panel{position:fixed;right:20px;bottom:88px;width:min(360px,calc(100vw - 40px));height:min(560px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 8px 30px rgba(0,0,0,.25);font:14px/1.45 system-ui,sans-serif;color:#1f2933;z-index:2147483000;overflow:hidden}
.ofw-panel[hidden]{display:none}
.ofw-head{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#06c755;color:#fff;font-weight:600}
.ofw-head button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer}
.ofw-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f5f7f9}
.ofw-msg{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}
.ofw-bot{align-self:flex-start;background:#fff;border:1px solid #e3e7eb}
.ofw-me{align-self:flex-end;background:#06c755;color:#fff}
.ofw-note{align-self:center;font-size:12px;color:#52606d}
.ofw-msg img,.ofw-msg video{max-width:100%;border-radius:8px;display:block}
.ofw-actions{display:flex;flex-direction:column;gap:4px;margin-top:6px}
.ofw-actions button,.ofw-actions a{display:block;text-align:center;padding:6px;border:1px solid #06c755;border-radius:8px;background:#fff;color:#067a36;cursor:pointer;text-decoration:none;font:inherit}
.ofw-cards{display:flex;gap:8px;overflow-x:auto;max-width:100%;padding-bottom:4px}
.ofw-card{flex:0 0 200px;background:#fff;border:1px solid #e3e7eb;border-radius:10px;overflow:hidden}
.ofw-card img{width:100%;height:120px;object-fit:cover;display:block}
.ofw-card div.ofw-body{padding:8px}
.ofw-quick{display:flex;flex-wrap:wrap;gap:6px;padding:6px 12px;background:#f5f7f9}
.ofw-quick button{border:1px solid #06c755;border-radius:16px;background:#fff;color:#067a36;padding:4px 12px;cursor:pointer;font:inherit}
.ofw-form{display:flex;gap:6px;padding:8px;border-top:1px solid #e3e7eb}
.ofw-input{flex:1;border:1px solid #cbd2d9;border-radius:8px;padding:8px;font:inherit}
.ofw-form button{border:0;border-radius:8px;background:#06c755;color:#fff;padding:0 14px;cursor:pointer;font:inherit}
.ofw-status{font-size:12px;color:#52606d;padding:0 12px 4px;min-height:16px;background:#f5f7f9}`;

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'on') for (const [event, fn] of Object.entries(v)) node.addEventListener(event, fn);
      else if (v !== undefined && v !== null) node.setAttribute(k, v);
    }
    for (const c of children) if (c !== undefined && c !== null) node.append(c);
    return node;
  };

  const style = el('style');
  style.textContent = css;
  document.head.append(style);
  const launcher = el('button', { class: 'ofw-launch', type: 'button', 'aria-label': T.open, 'aria-expanded': 'false', 'aria-controls': 'ofw-panel' }, '💬');
  const log = el('div', { class: 'ofw-log', role: 'log', 'aria-live': 'polite', 'aria-label': T.title });
  const status = el('div', { class: 'ofw-status', 'aria-live': 'polite' });
  const quick = el('div', { class: 'ofw-quick', hidden: '' });
  const input = el('input', { class: 'ofw-input', type: 'text', maxlength: '2000', placeholder: T.placeholder, 'aria-label': T.placeholder });
  const closeButton = el('button', { type: 'button', 'aria-label': T.close }, '×');
  const form = el('form', { class: 'ofw-form' }, input, el('button', { type: 'submit' }, T.send));
  const panel = el(
    'div',
    { class: 'ofw-panel', id: 'ofw-panel', role: 'dialog', 'aria-label': T.title, hidden: '' },
    el('div', { class: 'ofw-head' }, el('span', {}, T.title), closeButton),
    log,
    status,
    quick,
    form,
  );
  document.body.append(launcher, panel);

  let socket;
  let ready = false;
  let attempts = 0;
  let typingTimer;
  let handedOff = false;
  const seen = new Set();
  /**
   * Frames not yet acknowledged (typed while offline, or sent on a connection that died on the way): sent
   * again, in order and with the same id, after each reconnect; the server drops ids it already has.
   */
  const unacked = new Map();
  const newId = () => `c_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? T.close : T.open);
    if (open) {
      connect();
      input.focus();
    } else launcher.focus();
  }
  launcher.addEventListener('click', () => setOpen(panel.hidden));
  closeButton.addEventListener('click', () => setOpen(false));
  // Escape closes the chat while focus is in it (or was left on the page when a pressed reply went away).
  document.addEventListener('keydown', (e) => {
    const focus = document.activeElement;
    if (e.key === 'Escape' && !panel.hidden && (panel.contains(focus) || focus === document.body)) setOpen(false);
  });

  function scroll() {
    log.scrollTop = log.scrollHeight;
  }
  function note(text) {
    log.append(el('div', { class: 'ofw-msg ofw-note' }, text));
    scroll();
  }
  function mine(text) {
    log.append(el('div', { class: 'ofw-msg ofw-me' }, text));
    scroll();
  }

  function actionNode(action) {
    if (action.kind === 'url' && action.url && /^https?:/i.test(action.url))
      return el('a', { href: action.url, target: '_blank', rel: 'noopener noreferrer' }, action.label);
    if (action.kind === 'phone' && action.payload) return el('a', { href: `tel:${action.payload}` }, action.label);
    return el('button', { type: 'button', on: { click: () => postback(action) } }, action.label);
  }
  const safeUrl = (url) => (typeof url === 'string' && /^https?:/i.test(url) ? url : undefined);

  const receipts = [];
  /** Tells the server a message was drawn (batched), so it is not sent again on the next connect. */
  function receipt(id) {
    receipts.push(id);
    if (receipts.length === 1) queueMicrotask(sendReceipts);
  }
  function sendReceipts() {
    while (receipts.length) {
      const messageIds = receipts.splice(0, 100);
      // Offline: the server sends these again on the next connect and they are acknowledged then.
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'received', messageIds }));
    }
  }

  function drawMessage(m) {
    receipt(m.id);
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const bubble = el('div', { class: 'ofw-msg ofw-bot' });
    if (safeUrl(m.imageUrl)) bubble.append(el('img', { src: m.imageUrl, alt: m.text || '' }));
    if (safeUrl(m.videoUrl)) bubble.append(el('video', { src: m.videoUrl, controls: '', poster: safeUrl(m.previewImageUrl) }));
    if (m.text) bubble.append(el('div', {}, m.text));
    if (safeUrl(m.fileUrl))
      bubble.append(el('a', { href: m.fileUrl, target: '_blank', rel: 'noopener noreferrer', download: m.fileName || '' }, m.fileName || T.file));
    if (m.buttons?.length) bubble.append(el('div', { class: 'ofw-actions' }, ...m.buttons.map(actionNode)));
    if (bubble.childNodes.length) log.append(bubble);
    if (m.cards?.length) {
      const cards = el('div', { class: 'ofw-cards', role: 'list' });
      for (const c of m.cards) {
        const card = el('div', { class: 'ofw-card', role: 'listitem' });
        if (safeUrl(c.imageUrl)) card.append(el('img', { src: c.imageUrl, alt: c.title || '' }));
        const body = el('div', { class: 'ofw-body' });
        if (c.title) body.append(el('strong', {}, c.title));
        if (c.text) body.append(el('div', {}, c.text));
        if (c.actions?.length) body.append(el('div', { class: 'ofw-actions' }, ...c.actions.map(actionNode)));
        card.append(body);
        cards.append(card);
      }
      log.append(cards);
    }
    quick.replaceChildren(...(m.quickReplies || []).map(actionNode));
    quick.hidden = !m.quickReplies?.length;
    scroll();
  }

  function transmit(frame) {
    unacked.set(frame.clientMessageId, frame);
    if (ready && socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }
  function postback(action) {
    quick.hidden = true;
    // The pressed button may be about to disappear: keep keyboard focus in the chat.
    input.focus();
    mine(action.label);
    transmit({ type: 'postback', payload: action.payload || '', label: action.label, clientMessageId: newId() });
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    quick.hidden = true;
    mine(text);
    transmit({ type: 'text', text, clientMessageId: newId() });
  });

  function onFrame(frame) {
    switch (frame.type) {
      case 'welcome':
        try {
          localStorage.setItem(storageKey, frame.visitorId);
        } catch {}
        ready = true;
        attempts = 0;
        status.textContent = '';
        for (const f of unacked.values()) socket.send(JSON.stringify(f));
        break;
      case 'ack':
        unacked.delete(frame.clientMessageId);
        break;
      case 'message':
        clearTimeout(typingTimer);
        status.textContent = '';
        drawMessage(frame.message);
        break;
      case 'typing':
        status.textContent = T.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => {
          status.textContent = '';
        }, 8000);
        break;
      case 'handoff':
        // Said again on every connect while a person has the conversation: shown once per page.
        if (!handedOff) note(frame.message || T.handoff);
        handedOff = true;
        break;
      case 'error':
        if (frame.code !== 'rate_limited') console.warn('[omniflow web chat]', frame.code, frame.message);
        else note(T.error);
        break;
    }
  }

  function connect() {
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return;
    socket = new WebSocket(socketUrl);
    ready = false;
    socket.addEventListener('open', () => {
      let visitorId;
      try {
        visitorId = localStorage.getItem(storageKey) || undefined;
      } catch {}
      socket.send(JSON.stringify({ type: 'hello', ...(visitorId ? { visitorId } : {}) }));
    });
    socket.addEventListener('message', (e) => {
      try {
        onFrame(JSON.parse(e.data));
      } catch (err) {
        console.warn('[omniflow web chat] unreadable frame', err);
      }
    });
    socket.addEventListener('close', () => {
      ready = false;
      status.textContent = T.offline;
      // Exponential back-off with jitter, capped at 30 s.
      const delay = Math.min(30_000, 500 * 2 ** attempts++) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }

  // Resume a conversation that was open before (messages queued while away arrive on connect).
  try {
    if (localStorage.getItem(storageKey)) connect();
  } catch {}
})();
