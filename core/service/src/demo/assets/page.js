'use strict';
// The demo relying party's page: starts an order through its backend, shows the QR frame the
// backend renders every second, the same-device button when the backend offers it, and the
// backend's user messages (RFA) in the chosen language. No secret reaches this page.
(() => {
  const T = {
    sv: {
      title: 'Logga in',
      intro: 'Identifiera dig med identitetsappen, på din mobil eller på den här enheten.',
      start: 'Identifiera dig',
      qrHelp: 'Öppna appen och skanna QR-koden. Koden byts varje sekund.',
      qrAlt: 'QR-kod för identifiering',
      cancel: 'Avbryt',
      again: 'Börja om',
      done: 'Du är inloggad',
      failed: 'Det gick inte',
      foot: 'Demosida för en förlitande part: tjänstens egen demopart startar ordern (RP API v6.0).',
    },
    en: {
      title: 'Log in',
      intro: 'Identify yourself with the identity app, on your phone or on this device.',
      start: 'Identify yourself',
      qrHelp: 'Open the app and scan the QR code. The code changes every second.',
      qrAlt: 'QR code for identification',
      cancel: 'Cancel',
      again: 'Start again',
      done: 'You are logged in',
      failed: 'That did not work',
      foot: "A relying party's demo page: the service's own demo party starts the order (RP API v6.0).",
    },
  };
  const $ = (id) => document.getElementById(id);
  let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'sv';
  let session = null;
  let timer = null;
  let seq = 0;
  let autoStarted = false;
  const platform = /iPhone|iPad|iPod/.test(navigator.userAgent)
    ? 'ios'
    : /Android/.test(navigator.userAgent) ? 'android' : 'desktop';

  function show(id, on) { $(id).hidden = !on; }
  function setStatus(status, hint) {
    document.body.dataset.status = status;
    document.body.dataset.hint = hint || '';
  }
  function setMessage(id, message) {
    $(id).textContent = message ? message.text : '';
    $(id).dataset.rfa = message ? message.id : '';
  }

  function applyLang() {
    const t = T[lang];
    document.documentElement.lang = lang;
    $('title').textContent = t.title;
    $('intro').textContent = t.intro;
    $('start').textContent = t.start;
    $('qr-help').textContent = t.qrHelp;
    $('qr').alt = t.qrAlt;
    $('cancel').textContent = t.cancel;
    $('again').textContent = t.again;
    $('foot').textContent = t.foot;
    if (document.body.dataset.status === 'complete') $('result-title').textContent = t.done;
    else if (!$('result').hidden) $('result-title').textContent = t.failed;
    for (const b of document.querySelectorAll('.langs button')) {
      b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    }
  }

  async function api(path, body) {
    const r = await fetch('/demo/api/' + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    let json = null;
    try { json = await r.json(); } catch (_) { json = null; }
    if (!r.ok) throw json || { errorCode: 'internalError' };
    return json;
  }

  function finish(ok, title, holder, message) {
    clearTimeout(timer);
    show('idle', false);
    show('order', false);
    show('result', true);
    $('result-mark').textContent = ok ? '✓' : '!';
    $('result-mark').classList.toggle('failed', !ok);
    $('result-title').textContent = title;
    $('holder').textContent = holder;
    setMessage('result-message', message);
  }

  function fail(e) {
    setStatus('error', e && e.errorCode);
    finish(false, T[lang].failed, '', e && e.message);
  }

  function render(v) {
    setStatus(v.status, v.hintCode);
    setMessage('message', v.message);
    const qr = $('qr');
    if (v.qr) {
      qr.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(v.qr.svg);
      qr.dataset.time = String(v.qr.time);
      show('qr-box', true);
    } else {
      show('qr-box', false);
      qr.removeAttribute('src');
      delete qr.dataset.time;
    }
    if (v.launch) {
      $('launch').href = v.launch.url;
      $('launch').textContent = v.launch.label;
    }
    show('launch', !!v.launch);
    if (v.status === 'pending') return;
    const ok = v.status === 'complete';
    finish(ok, ok ? T[lang].done : T[lang].failed, ok && v.holder ? v.holder.name : '', v.message);
  }

  async function poll() {
    clearTimeout(timer);
    if (!session) return;
    const mine = ++seq;
    let view;
    try {
      view = await api('status', { session, lang, autoStarted });
    } catch (e) {
      if (mine === seq) fail(e);
      return;
    }
    if (mine !== seq) return;
    render(view);
    // A new QR frame every second while the order waits for an app.
    if (view.status === 'pending') timer = setTimeout(poll, 1000);
  }

  async function start() {
    $('start').disabled = true;
    autoStarted = false;
    try {
      const r = await api('start', { lang, platform });
      session = r.session;
      $('order').dataset.startedAt = String(Date.now());
      setStatus('pending', '');
      setMessage('message', null);
      show('idle', false);
      show('result', false);
      show('order', true);
      await poll();
    } catch (e) {
      fail(e);
    } finally {
      $('start').disabled = false;
    }
  }

  async function cancel() {
    if (!session) return;
    clearTimeout(timer);
    seq++;
    try {
      await api('cancel', { session, lang });
    } catch (e) {
      fail(e);
      return;
    }
    await poll();
  }

  function again() {
    clearTimeout(timer);
    seq++;
    session = null;
    setStatus('idle', '');
    show('result', false);
    show('order', false);
    show('idle', true);
  }

  $('start').addEventListener('click', start);
  $('cancel').addEventListener('click', cancel);
  $('again').addEventListener('click', again);
  $('launch').addEventListener('click', () => {
    // The user chose this device: the messages become those of a started app (RFA13).
    autoStarted = true;
    setTimeout(poll, 0);
  });
  for (const b of document.querySelectorAll('.langs button')) {
    b.addEventListener('click', () => {
      if (b.dataset.lang === lang) return;
      lang = b.dataset.lang;
      applyLang();
      // The backend's messages come in the page's language: ask again at once.
      if (session) poll();
    });
  }
  applyLang();
})();
