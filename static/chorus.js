/*! chorus.js — conversion tracking for Chorus (https://CHORUS/static/chorus.js)
 *
 * Put this on every page of the company website (no build step, no dependencies, ES2017):
 *
 *   <script src="https://CHORUS/static/chorus.js" data-key="chr_pk_…" defer></script>
 *
 * Attributes (all optional except data-key):
 *   data-key           publishable API key (chr_pk_…); it may only report conversions, and
 *                      only from the origins it was created for (`chorus apikey create
 *                      --name website --publishable --origins https://www.example.com`)
 *   data-endpoint      base URL of Chorus; default: the origin this script was loaded from
 *   data-param         query parameter that carries the click id; default "chorus_click"
 *                      (must match the server's CHORUS_CLICK_PARAM)
 *   data-window-days   attribution window in days; default 30 (match
 *                      CHORUS_ATTRIBUTION_WINDOW_DAYS)
 *   data-cookie-domain cookie domain, e.g. "example.com" to share the clicks between
 *                      www.example.com and shop.example.com; default: this host only
 *
 * On load it reads the click id from the landing URL (?chorus_click=…), keeps every click id
 * of the attribution window in the first-party cookie `chorus_clicks` (value
 * "id~unixSeconds.id~unixSeconds…", newest last, at most 20), and removes the parameter
 * from the address bar (other parameters and the #hash stay).
 *
 * API:
 *   Chorus.conversion({kind, value_cents, currency, external_id, customer_id, occurred_at})
 *     → Promise of the JSON answer, {"accepted": true} (a publishable key is told nothing
 *     stored; attribution shows in Chorus's reports). `kind` is
 *     "lead", "signup", "sale" or a name of your own. The newest click id goes as
 *     `click_id`, the earlier ones (oldest first) as `touchpoints`. Without any click id
 *     the conversion is still reported (Chorus keeps it as unattributed). The promise
 *     rejects on a network error or a non-2xx answer (error.status, error.body); nothing
 *     is ever thrown synchronously. `external_id` (your order or lead id) makes a repeated
 *     report harmless.
 *   Chorus.clickIds() → the click ids kept, oldest first (for debugging).
 *
 * Calls made before this (deferred) script has run are queued and sent once it loads:
 *
 *   <script>
 *     window.Chorus = window.Chorus || {q: [], conversion: function (c) {
 *       var q = this.q; return new Promise(function (ok, fail) { q.push(["conversion", c, ok, fail]); });
 *     }};
 *   </script>
 *
 * Browsers cap cookies written by scripts (Safari: 7 days); for longer windows also report
 * conversions server-to-server with the click id your backend received.
 */
(() => {
  "use strict";

  const queued = window.Chorus;
  if (queued && queued.version) return; // loaded twice

  const ID = /^[A-Za-z0-9_-]{8,64}$/;
  const COOKIE = "chorus_clicks";
  const MAX_IDS = 20;

  const script =
    document.currentScript ||
    document.querySelector('script[src*="chorus.js"][data-key]') ||
    document.querySelector('script[src*="chorus.js"]');
  const data = (script && script.dataset) || {};

  const scriptOrigin = () => {
    try {
      return new URL(script.src, location.href).origin;
    } catch (e) {
      return location.origin;
    }
  };

  const key = data.key || "";
  const endpoint = (data.endpoint || scriptOrigin()).replace(/\/+$/, "");
  const param = data.param || "chorus_click";
  const days = parseFloat(data.windowDays);
  const windowSeconds = Math.round((days > 0 ? days : 30) * 86400);
  const cookieDomain = data.cookieDomain || "";

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  const rawCookie = () => {
    const m = document.cookie.match(/(?:^|;\s*)chorus_clicks=([^;]*)/);
    return m ? m[1] : "";
  };

  // [{id, ts}] kept in the cookie, oldest first, without malformed or expired entries.
  const readClicks = () => {
    const oldest = nowSeconds() - windowSeconds;
    const clicks = [];
    for (const item of rawCookie().split(".")) {
      const [id, at, extra] = item.split("~");
      const ts = parseInt(at, 10);
      if (extra === undefined && ID.test(id || "") && ts > oldest) clicks.push({ id, ts });
    }
    return clicks.sort((a, b) => a.ts - b.ts);
  };

  const serialize = (clicks) => clicks.map((c) => `${c.id}~${c.ts}`).join(".");

  const writeClicks = (clicks) => {
    let cookie = `${COOKIE}=${serialize(clicks)}; Path=/; SameSite=Lax; Max-Age=${
      clicks.length ? windowSeconds : 0
    }`;
    if (cookieDomain) cookie += `; Domain=${cookieDomain}`;
    if (location.protocol === "https:") cookie += "; Secure";
    document.cookie = cookie;
  };

  // The click id in `search` (null if absent or malformed), whether the parameter was
  // there at all, and `search` without it (other parameters byte for byte as they were).
  const takeParam = (search) => {
    let id = null;
    let present = false;
    const rest = search
      .replace(/^\?/, "")
      .split("&")
      .filter((pair) => {
        if (!pair) return false;
        const eq = pair.indexOf("=");
        let name = eq >= 0 ? pair.slice(0, eq) : pair;
        try {
          name = decodeURIComponent(name.replace(/\+/g, " "));
        } catch (e) {
          /* keep it raw */
        }
        if (name !== param) return true;
        present = true;
        const value = eq >= 0 ? pair.slice(eq + 1) : "";
        if (ID.test(value)) id = value;
        return false;
      });
    return { id, present, search: rest.length ? `?${rest.join("&")}` : "" };
  };

  // On load: store the landing URL's click id, drop expired ones, clean the address bar.
  const remember = () => {
    const before = rawCookie();
    let clicks = readClicks();
    const landing = takeParam(location.search);
    if (landing.id && !clicks.some((c) => c.id === landing.id)) {
      clicks.push({ id: landing.id, ts: nowSeconds() });
    }
    clicks = clicks.slice(-MAX_IDS);
    if (serialize(clicks) !== before) writeClicks(clicks);
    if (landing.present && window.history && history.replaceState) {
      try {
        history.replaceState(history.state, "", location.pathname + landing.search + location.hash);
      } catch (e) {
        /* a sandboxed frame may refuse; the id is stored all the same */
      }
    }
  };

  const clickIds = () => readClicks().map((c) => c.id);

  const FIELDS = ["kind", "value_cents", "currency", "external_id", "customer_id", "occurred_at"];

  const send = async (details) => {
    if (!key) throw new Error("chorus.js: the script tag has no data-key");
    const body = {};
    for (const f of FIELDS) {
      const v = details && details[f];
      if (v !== undefined && v !== null) body[f] = v instanceof Date ? v.toISOString() : v;
    }
    const ids = clickIds();
    if (ids.length) {
      body.click_id = ids[ids.length - 1];
      if (ids.length > 1) body.touchpoints = ids.slice(0, -1);
    }
    const res = await fetch(`${endpoint}/api/v1/conversions`, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      keepalive: true,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      /* not JSON */
    }
    if (res.ok) return json;
    const err = new Error(`chorus.js: the conversion was answered with ${res.status}`);
    err.status = res.status;
    err.body = json || text;
    throw err;
  };

  // Never throws: every failure, even a synchronous one, becomes a rejected promise.
  const conversion = (details) => Promise.resolve().then(() => send(details));

  try {
    remember();
  } catch (e) {
    if (window.console) console.warn("chorus.js:", e);
  }

  const api = { version: 1, conversion, clickIds };
  window.Chorus = api;

  // Calls queued by the snippet before this script ran: ["conversion", details, ok?, fail?].
  for (const entry of (queued && Array.isArray(queued.q) && queued.q) || []) {
    const fn = Array.isArray(entry) && api[entry[0]];
    if (typeof fn !== "function" || entry[0] === "version") continue;
    Promise.resolve(fn(entry[1])).then(entry[2] || (() => {}), entry[3] || (() => {}));
  }
})();
