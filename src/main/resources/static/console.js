// webhook-hub console: plain JS over the public API (/v1), signed in with an environment API key kept in this tab only.
"use strict";

const KEY = "webhook-hub.api-key";
const view = document.getElementById("view");
let refreshTimer = null;

// ---- DOM and API helpers -------------------------------------------------------------------------------------------

/** Builds an element; text children are always text nodes, so data from the API can never become markup. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "value") el.value = value;
    else if (name === "checked") el.checked = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function show(...nodes) {
  view.replaceChildren(...nodes.filter((n) => n != null && n !== false));
}

function flash(message, isError = false) {
  const box = document.getElementById("flash");
  box.textContent = message;
  box.className = isError ? "error" : "";
  box.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => (box.hidden = true), isError ? 8000 : 4000);
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || "HTTP " + status);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(KEY) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401) {
    signOut("The API key was refused; sign in again.");
    throw new ApiError(401, data || {});
  }
  if (!response.ok) throw new ApiError(response.status, data || {});
  return data;
}

/** Runs an action and reports its failure the way the API explains it (problem+json detail). */
async function attempt(action) {
  try {
    return await action();
  } catch (e) {
    const errors = e.problem && e.problem.errors ? " (" + e.problem.errors.join("; ") + ")" : "";
    flash(e.message + errors, true);
    return undefined;
  }
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : "");
const status = (value) => h("span", { class: "status " + value }, value);
const json = (value) => h("pre", {}, JSON.stringify(value, null, 2));
const params = (values) => {
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v));
  return query.toString() ? "?" + query : "";
};
const isoFromLocal = (local) => (local ? new Date(local).toISOString() : "");

// ---- sign in -------------------------------------------------------------------------------------------------------

function signOut(message) {
  sessionStorage.removeItem(KEY);
  location.hash = "#/signin";
  if (message) flash(message, true);
}

function signIn() {
  const key = h("input", { type: "password", id: "api-key", autocomplete: "off", placeholder: "cly_…" });
  show(h("div", { class: "card", style: "max-width:480px" },
    h("h1", {}, "Sign in"),
    h("p", { class: "muted" }, "With an environment's API key. It stays in this browser tab only."),
    h("form", {
      id: "signin-form",
      onsubmit: async (e) => {
        e.preventDefault();
        sessionStorage.setItem(KEY, key.value.trim());
        if (await attempt(() => api("GET", "/v1/webhooks?limit=1"))) {
          location.hash = "#/webhooks";
        }
      },
    }, h("label", { for: "api-key" }, "API key"), key, h("p", {}, h("button", { class: "primary", id: "signin" }, "Sign in")))));
  key.focus();
}

// ---- webhooks ------------------------------------------------------------------------------------------------------

async function webhooks() {
  const [page, ops, catalog] = await Promise.all([api("GET", "/v1/webhooks?limit=200"),
    api("GET", "/v1/operational-webhooks?limit=200"), api("GET", "/v1/event-types")]);
  show(h("div", { class: "row" }, h("h1", { style: "flex:1" }, "Webhooks"),
      h("button", { class: "primary", id: "new-webhook", onclick: () => (location.hash = "#/webhooks/new") }, "New webhook")),
    page.data.length === 0 ? h("p", { class: "muted" }, "No webhook yet.") :
      h("table", { id: "webhooks" },
        h("tr", {}, h("th", {}, "Endpoint"), h("th", {}, "Event types"), h("th", {}, "State"), h("th", {}, "Created")),
        page.data.map((w) => h("tr", { class: "clickable", "data-id": w.id, onclick: () => (location.hash = "#/webhooks/" + w.id) },
          h("td", {}, where(w), w.description ? h("div", { class: "muted" }, w.description) : null),
          h("td", {}, w.all_event_types || !w.event_types.length ? "all" : w.event_types.join(", ")),
          h("td", {}, status(w.is_active ? "active" : "disabled"), w.disabled_reason ? h("div", { class: "muted" }, w.disabled_reason) : null),
          h("td", {}, time(w.created_at))))),
    operationalWebhooks(ops.data, catalog.operational_event_types.map((t) => t.type)));
}

/** Endpoints that receive the hub's own events about the webhooks above: failing, recovered, disabled, lagging, dead. */
function operationalWebhooks(list, types) {
  const url = h("input", { type: "url", id: "ops-url", placeholder: "https://ops.example.com/webhook-hub" });
  return h("section", { id: "operational" },
    h("h2", {}, "Operational webhooks"),
    h("p", { class: "muted" }, "The hub tells these endpoints when a webhook above starts failing, recovers, is disabled, "
      + "lags behind its threshold, or a delivery dies; signed like any delivery."),
    list.length === 0 ? null : h("table", { id: "operational-webhooks" },
      h("tr", {}, h("th", {}, "Endpoint"), h("th", {}, "Event types"), h("th", {}, "State"), h("th", {}, "")),
      list.map((o) => h("tr", { "data-id": o.id },
        h("td", {}, o.url, o.description ? h("div", { class: "muted" }, o.description) : null),
        h("td", {}, o.all_event_types ? "all" : o.event_types.join(", ")),
        h("td", {}, status(o.is_active ? "active" : "disabled")),
        h("td", {}, h("button", { class: "danger delete-ops", onclick: async () => {
          if (!confirm("Delete this operational webhook?")) return;
          if ((await attempt(() => api("DELETE", "/v1/operational-webhooks/" + o.id))) !== undefined) { flash("Operational webhook deleted."); route(); }
        } }, "Delete"))))),
    h("form", {
      class: "card", id: "ops-form",
      onsubmit: async (e) => {
        e.preventDefault();
        const checked = [...document.querySelectorAll("input[name=ops-type]:checked")].map((c) => c.value);
        const created = await attempt(() => api("POST", "/v1/operational-webhooks",
          { url: url.value, event_types: checked.length === types.length ? undefined : checked }));
        if (created) { flash("Operational webhook added; its secret: GET /v1/operational-webhooks/" + created.id + "/secret."); route(); }
      },
    },
    h("label", { for: "ops-url" }, "Endpoint URL"), url,
    h("div", { class: "types" }, types.map((t) => h("label", {},
      h("input", { type: "checkbox", name: "ops-type", value: t, checked: true }), " ", t))),
    h("p", {}, h("button", { class: "primary", id: "add-ops" }, "Add operational webhook"))));
}

/** Event type checkboxes from the catalog, grouped by source. */
async function typePicker(selected) {
  const catalog = await api("GET", "/v1/event-types");
  return h("div", { id: "event-types" }, catalog.sources.map((s) => h("fieldset", {},
    h("legend", {}, s.source),
    h("div", { class: "types" }, s.event_types.filter((t) => !t.reserved).map((t) => h("label", { title: t.description || "" },
      h("input", { type: "checkbox", name: "event-type", value: t.type, checked: selected.includes(t.type) }), " ", t.type))))));
}

const pickedTypes = () => [...document.querySelectorAll("input[name=event-type]:checked")].map((c) => c.value);

async function newWebhook() {
  const url = h("input", { type: "url", id: "webhook-url", placeholder: "https://example.com/webhooks" });
  const description = h("input", { type: "text", id: "webhook-description" });
  show(h("h1", {}, "New webhook"),
    h("form", {
      class: "card", id: "webhook-form",
      onsubmit: async (e) => {
        e.preventDefault();
        const created = await attempt(() => api("POST", "/v1/webhooks",
          { url: url.value.trim(), events: pickedTypes(), description: description.value || undefined }));
        if (created) {
          location.hash = "#/webhooks/" + created.id;
          flash("Webhook created. Its signing secret is shown on its page.");
        }
      },
    },
    h("label", { for: "webhook-url" }, "Endpoint URL"), url,
    h("label", { for: "webhook-description" }, "Description"), description,
    h("label", {}, "Event types (none picked: every type)"), await typePicker([]),
    h("p", {}, h("button", { class: "primary", id: "create-webhook" }, "Create"))));
  url.focus();
}

// ---- small charts (SVG: presentation attributes only, nothing the content security policy refuses) -----------------

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) if (value != null) el.setAttribute(name, value);
  for (const child of children.flat()) if (child != null) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

const CHART_W = 240, CHART_H = 60;

/** A bar per hour: attempts that succeeded, with the failed ones stacked on top. */
function attemptsChart(hours) {
  const max = Math.max(1, ...hours.map((x) => x.attempts));
  const width = CHART_W / hours.length;
  return svg("svg", { id: "chart-attempts", width: CHART_W, height: CHART_H, viewBox: "0 0 " + CHART_W + " " + CHART_H, role: "img",
      "aria-label": "attempts per hour" },
    hours.map((x, i) => {
      const ok = (x.succeeded / max) * CHART_H, failed = ((x.attempts - x.succeeded) / max) * CHART_H;
      return svg("g", { class: "hour", "data-attempts": x.attempts },
        svg("title", {}, new Date(x.start).toLocaleString() + ": " + x.attempts + " attempts, " + x.succeeded + " succeeded"),
        svg("rect", { x: i * width + 1, y: CHART_H - ok, width: width - 2, height: ok, fill: "#2e7d32" }),
        svg("rect", { x: i * width + 1, y: CHART_H - ok - failed, width: width - 2, height: failed, fill: "#c62828" }));
    }));
}

/** Two lines over the hours that had attempts: p50 and p99 latency. */
function latencyChart(hours) {
  const max = Math.max(1, ...hours.map((x) => x.latency_p99_ms || 0));
  const width = CHART_W / hours.length;
  const line = (field, colour) => svg("polyline", { fill: "none", stroke: colour, "stroke-width": 2,
    points: hours.map((x, i) => x[field] == null ? null : (i * width + width / 2) + "," + (CHART_H - (x[field] / max) * (CHART_H - 4)))
      .filter((p) => p).join(" ") });
  return svg("svg", { id: "chart-latency", width: CHART_W, height: CHART_H, viewBox: "0 0 " + CHART_W + " " + CHART_H, role: "img",
      "aria-label": "latency per hour" },
    svg("title", {}, "p99 up to " + max + " ms"), line("latency_p50_ms", "#1565c0"), line("latency_p99_ms", "#ef6c00"));
}

/** Where a webhook delivers: its URL, or the topic or queue of its broker destination. */
function where(w) {
  if (!w.destination) return w.target_url;
  return w.destination.type + (w.destination.type === "kafka" ? " topic " + w.destination.topic : " queue " + w.destination.queue);
}

async function webhook(id) {
  const [w, deliveries, stats] = await Promise.all([api("GET", "/v1/webhooks/" + id),
    api("GET", "/v1/webhooks/" + id + "/deliveries?limit=100"), api("GET", "/v1/webhooks/" + id + "/stats")]);
  const window = (name) => {
    const s = stats.windows[name];
    return h("div", { class: "card" }, h("div", { class: "muted" }, "last " + name),
      h("div", {}, s.attempts + " attempts" + (s.success_rate == null ? "" : ", " + Math.round(s.success_rate * 1000) / 10 + " % succeeded")),
      s.latency_p50_ms == null ? null : h("div", { class: "muted" }, "p50 " + s.latency_p50_ms + " ms, p99 " + s.latency_p99_ms + " ms"));
  };
  const url = h("input", { type: "url", id: "webhook-url", value: w.target_url });
  const description = h("input", { type: "text", id: "webhook-description", value: w.description || "" });
  const since = h("input", { type: "datetime-local", id: "replay-since" });
  const reload = () => route();
  show(
    h("div", { class: "row" }, h("h1", { style: "flex:1", id: "webhook-where" }, where(w)), status(w.is_active ? "active" : "disabled"),
      h("span", {}, "circuit ", h("span", { id: "circuit" }, status(deliveries.circuit)))),
    w.disabled_reason ? h("p", { class: "muted" }, "Disabled: " + w.disabled_reason) : null,
    h("div", { class: "cards", id: "webhook-stats" }, window("1h"), window("24h"),
      h("div", { class: "card" }, h("div", { class: "muted" }, "waiting"),
        h("div", {}, stats.waiting + " deliveries"), h("div", { class: "muted" }, "oldest " + stats.lag_seconds + " s ago"))),
    h("div", { class: "cards", id: "webhook-charts" },
      h("div", { class: "card" }, h("div", { class: "muted" }, "attempts per hour, last 24 h (failed in red)"), attemptsChart(stats.hourly)),
      h("div", { class: "card" }, h("div", { class: "muted" }, "latency per hour, p50 and p99 (ms)"), latencyChart(stats.hourly))),
    w.paused ? h("p", { class: "muted", id: "paused" }, "Paused: deliveries are held, without attempts, until it is resumed.") : null,
    w.headers ? h("p", { class: "muted", id: "headers" }, "Sends headers: " + Object.entries(w.headers).map(([k, v]) => k + ": " + v).join(", ")) : null,
    w.filter_errors ? h("p", { class: "muted", id: "filter-errors" }, "Its filter could not decide on " + w.filter_errors
      + " event(s), which it did not get; the last at " + w.last_filter_error_at + ": " + w.last_filter_error) : null,
    h("div", { class: "card" },
      h("div", {}, "Signing secret ", h("span", { class: "secret", id: "secret" }, "hidden"), " ",
        h("button", { id: "reveal-secret", onclick: async (e) => {
          const shown = await attempt(() => api("GET", "/v1/webhooks/" + id + "/secret"));
          if (shown) { document.getElementById("secret").textContent = shown.secret; e.target.remove(); }
        } }, "Reveal")),
      h("div", { class: "row", style: "margin-top:12px" },
        h("button", { id: "send-test", onclick: async () => {
          const sent = await attempt(() => api("POST", "/v1/webhooks/" + id + "/test"));
          if (sent) { flash("Test event " + sent.event_type + " sent."); setTimeout(reload, 800); }
        } }, "Send test event"),
        h("button", { id: "rotate-secret", onclick: async () => {
          if (!confirm("Rotate the signing secret? The old one stays valid for a while.")) return;
          if (await attempt(() => api("POST", "/v1/webhooks/" + id + "/rotate-secret"))) { flash("Secret rotated."); reload(); }
        } }, "Rotate secret"),
        h("button", { id: "toggle-active", class: w.is_active ? "danger" : "", onclick: async () => {
          if (await attempt(() => api("PATCH", "/v1/webhooks/" + id, { is_active: !w.is_active }))) {
            flash(w.is_active ? "Webhook disabled." : "Webhook enabled."); reload();
          }
        } }, w.is_active ? "Disable" : "Enable"),
        h("button", { id: "toggle-paused", onclick: async () => {
          if (await attempt(() => api("PATCH", "/v1/webhooks/" + id, { paused: !w.paused }))) {
            flash(w.paused ? "Webhook resumed: held deliveries go out in order." : "Webhook paused: deliveries are held."); reload();
          }
        } }, w.paused ? "Resume" : "Pause"),
        h("button", { id: "delete-webhook", class: "danger", onclick: async () => {
          if (!confirm("Delete this webhook and its delivery history?")) return;
          if ((await attempt(() => api("DELETE", "/v1/webhooks/" + id))) !== undefined) { flash("Webhook deleted."); location.hash = "#/webhooks"; }
        } }, "Delete"))),
    h("form", {
      class: "card", id: "webhook-form",
      onsubmit: async (e) => {
        e.preventDefault();
        if (await attempt(() => api("PATCH", "/v1/webhooks/" + id,
          w.destination ? { events: pickedTypes(), description: description.value }
            : { url: url.value.trim(), events: pickedTypes(), description: description.value }))) {
          flash("Saved."); reload();
        }
      },
    },
    w.destination ? h("p", { class: "muted" }, "Delivers to the " + where(w) + " (change it with the API).")
      : [h("label", { for: "webhook-url" }, "Endpoint URL"), url],
    h("label", { for: "webhook-description" }, "Description"), description,
    h("label", {}, "Event types (none picked: every type)"), await typePicker(w.all_event_types ? [] : w.event_types),
    h("p", {}, h("button", { class: "primary", id: "save-webhook" }, "Save"))),
    h("h2", {}, "Deliveries"),
    h("div", { class: "row" },
      h("div", {}, h("label", { for: "replay-since" }, "Replay every event since"), since),
      h("button", { id: "replay", onclick: async () => {
        if (!since.value) { flash("Pick a time to replay from.", true); return; }
        const done = await attempt(() => api("POST", "/v1/webhooks/" + id + "/replay" + params({ since: isoFromLocal(since.value) })));
        if (done) { flash(done.replayed + " event(s) replayed."); setTimeout(reload, 500); }
      } }, "Replay")),
    recoverCard(id, reload),
    deliveryTable(deliveries.data, reload));
}

/** Bulk recovery: failed and/or dead deliveries since a time sent again by a job; a preview count first. */
function recoverCard(id, reload) {
  const since = h("input", { type: "datetime-local", id: "recover-since" });
  const statusBox = (value) => h("label", {}, h("input", { type: "checkbox", name: "recover-status", value, checked: true }), " ", value);
  const progress = h("span", { id: "recover-progress", class: "muted" });
  const body = () => ({
    since: since.value ? isoFromLocal(since.value) : undefined,
    statuses: [...document.querySelectorAll("input[name=recover-status]:checked")].map((c) => c.value),
  });
  const follow = async (jobId) => {
    const job = await attempt(() => api("GET", "/v1/jobs/" + jobId));
    if (!job) return;
    progress.replaceChildren(status(job.status), " " + job.processed + " of " + job.total,
      job.status === "queued" || job.status === "running" ? h("button", { id: "cancel-recovery", onclick: async () => {
        if (await attempt(() => api("POST", "/v1/jobs/" + jobId + "/cancel"))) flash("Recovery cancelled.");
      } }, "Cancel") : null);
    if (job.status === "queued" || job.status === "running") setTimeout(() => follow(jobId), 500);
    else if (job.status === "done") setTimeout(reload, 1000);
  };
  return h("div", { class: "card", id: "recover" },
    h("div", { class: "row" },
      h("div", {}, h("label", { for: "recover-since" }, "Recover deliveries since"), since),
      statusBox("failed"), statusBox("dead"),
      h("button", { id: "recover-preview", onclick: async () => {
        const counted = await attempt(() => api("POST", "/v1/webhooks/" + id + "/recover/preview", body()));
        if (counted) progress.replaceChildren(counted.matched + " deliveries would be sent again");
      } }, "Preview"),
      h("button", { id: "recover-start", onclick: async () => {
        const started = await attempt(() => api("POST", "/v1/webhooks/" + id + "/recover", body()));
        if (started) { flash("Recovery of " + started.total + " deliveries started."); follow(started.job_id); }
      } }, "Recover")),
    progress);
}

// ---- deliveries ----------------------------------------------------------------------------------------------------

function deliveryTable(rows, reload) {
  if (rows.length === 0) return h("p", { class: "muted", id: "deliveries-empty" }, "No delivery yet.");
  return h("table", { id: "deliveries" },
    h("tr", {}, h("th", {}, "Event"), h("th", {}, "Status"), h("th", {}, "Attempts"), h("th", {}, "Last answer"), h("th", {}, "Created"), h("th", {}, "")),
    rows.map((d) => h("tr", { class: "clickable", "data-id": d.id, "data-status": d.status, onclick: () => (location.hash = "#/deliveries/" + d.id) },
      h("td", {}, d.event_type, h("div", { class: "muted" }, d.event_id)),
      h("td", {}, status(d.status)),
      h("td", {}, d.attempts),
      h("td", {}, d.last_status_code ?? "", d.last_error ? h("div", { class: "muted" }, d.last_error) : null),
      h("td", {}, time(d.created_at)),
      h("td", {}, d.status === "failed" || d.status === "dead" ? h("button", { class: "retry", onclick: async (e) => {
        e.stopPropagation();
        if (await attempt(() => api("POST", "/v1/deliveries/" + d.id + "/retry"))) { flash("Retry scheduled."); setTimeout(reload, 800); }
      } }, "Retry") : null))));
}

async function deliveries() {
  const filter = new URLSearchParams(location.hash.split("?")[1] || "");
  const chosen = filter.get("status") || "";
  const page = await api("GET", "/v1/deliveries" + params({ status: chosen, limit: 100 }));
  const select = h("select", { id: "status-filter", onchange: () => (location.hash = "#/deliveries" + params({ status: select.value })) },
    ["", "pending", "failed", "delivered", "dead"].map((s) => h("option", { value: s, selected: s === chosen }, s || "any status")));
  show(h("div", { class: "row" }, h("h1", { style: "flex:1" }, "Deliveries"), select), deliveryTable(page.data, () => route()));
}

async function delivery(id) {
  const d = await api("GET", "/v1/deliveries/" + id);
  show(h("div", { class: "row" }, h("h1", { style: "flex:1" }, "Delivery of " + d.event_type), status(d.status),
      d.status === "failed" || d.status === "dead" ? h("button", { id: "retry-delivery", onclick: async () => {
        if (await attempt(() => api("POST", "/v1/deliveries/" + id + "/retry"))) { flash("Retry scheduled."); setTimeout(route, 800); }
      } }, "Retry now") : null),
    h("p", {}, h("a", { href: "#/webhooks/" + d.webhook_id }, "Webhook " + d.webhook_id), " · event ", d.event_id,
      d.next_attempt_at ? " · next attempt " + time(d.next_attempt_at) : ""),
    h("h2", {}, "Attempts"),
    d.attempt_log.length === 0 ? h("p", { class: "muted" }, "No attempt yet.") :
      h("table", { id: "attempts" },
        h("tr", {}, h("th", {}, "When"), h("th", {}, "Status code"), h("th", {}, "Latency"), h("th", {}, "Error"), h("th", {}, "Response body")),
        d.attempt_log.map((a) => h("tr", {},
          h("td", {}, time(a.attempted_at)), h("td", {}, a.status_code ?? ""), h("td", {}, a.latency_ms == null ? "" : a.latency_ms + " ms"),
          h("td", {}, a.error || ""), h("td", {}, a.response_body ? h("code", {}, a.response_body) : "")))));
}

// ---- events --------------------------------------------------------------------------------------------------------

async function events() {
  const catalog = await api("GET", "/v1/event-types");
  const source = h("select", { id: "event-source" }, h("option", { value: "" }, "any source"),
    catalog.sources.map((s) => h("option", { value: s.source }, s.source)));
  const type = h("select", { id: "event-type" }, h("option", { value: "" }, "any type"),
    catalog.sources.flatMap((s) => s.event_types.map((t) => h("option", { value: t.type }, t.type))));
  const since = h("input", { type: "datetime-local", id: "event-since" });
  const live = h("input", { type: "checkbox", id: "live", checked: true });
  const list = h("div", { id: "event-list" });
  const detail = h("div", { id: "event-detail" }, h("p", { class: "muted" }, "Pick an event to see its envelope."));
  let selected = null;
  async function load() {
    const page = await api("GET", "/v1/events" + params({ source: source.value, type: type.value, since: isoFromLocal(since.value), limit: 100 }));
    list.replaceChildren(page.data.length === 0 ? h("p", { class: "muted" }, "No event.") : h("table", { id: "events" },
      h("tr", {}, h("th", {}, "Type"), h("th", {}, "Source"), h("th", {}, "Received")),
      page.data.map((e) => h("tr", { class: "clickable" + (e.id === selected ? " selected" : ""), "data-id": e.id, onclick: () => {
        selected = e.id;
        detail.replaceChildren(h("h2", {}, e.type), h("p", { class: "muted" }, e.id), json(e.envelope));
        load();
      } }, h("td", {}, e.type), h("td", {}, e.source), h("td", {}, time(e.created_at))))));
  }
  [source, type, since].forEach((input) => input.addEventListener("change", load));
  show(h("h1", {}, "Events"),
    h("div", { class: "row" }, source, type, h("div", {}, h("label", { for: "event-since" }, "Since"), since),
      h("label", {}, live, " live")),
    h("div", { class: "split" }, list, detail));
  await load();
  refreshTimer = setInterval(() => live.checked && load().catch(() => {}), 2000);
}

// ---- sources and playground ----------------------------------------------------------------------------------------

/** The AsyncAPI document, fetched with this console's key and handed to the browser as a file. */
async function downloadAsyncApi() {
  const text = await (await fetch("/v1/asyncapi", { headers: { Authorization: "Bearer " + sessionStorage.getItem(KEY), Accept: "application/yaml" } })).text();
  const link = h("a", { href: URL.createObjectURL(new Blob([text], { type: "application/yaml" })), download: "webhook-hub-asyncapi.yaml" });
  link.click();
  URL.revokeObjectURL(link.href);
}

async function sources() {
  const [loaded, routes] = await Promise.all([api("GET", "/v1/sources"), api("GET", "/v1/routes")]);
  const source = h("select", { id: "playground-source" }, loaded.sources.map((s) => h("option", { value: s.source }, s.source)));
  const raw = h("textarea", { id: "playground-raw", spellcheck: "false", placeholder: '{"kind": "sync_run", ...}' });
  const result = h("div", { id: "playground-result" });
  show(h("h1", {}, "Sources"),
    h("table", { id: "sources" }, h("tr", {}, h("th", {}, "Source"), h("th", {}, "Event types"), h("th", {}, "Mapping file")),
      loaded.sources.map((s) => h("tr", {}, h("td", {}, s.source), h("td", {}, s.event_types.join(", ")), h("td", { class: "muted" }, s.file)))),
    loaded.errors.length === 0 ? h("p", { class: "muted", id: "load-errors" }, "Every mapping file loaded.") :
      h("div", { class: "card", id: "load-errors" }, h("h2", {}, "Mapping files that did not load"),
        loaded.errors.map((e) => h("div", {}, h("strong", {}, e.file), h("ul", {}, e.errors.map((m) => h("li", {}, m)))))),
    h("h2", {}, "Routes"),
    h("p", { class: "muted" }, "Camel routes of the routes directory, reloaded when a file changes (docs/ADD-A-ROUTE.md)."),
    h("table", { id: "routes" }, h("tr", {}, h("th", {}, "Route"), h("th", {}, "Status"), h("th", {}, "Reads from"), h("th", {}, "File")),
      routes.routes.map((r) => h("tr", {}, h("td", {}, r.id), h("td", { class: "status " + (r.status === "Started" ? "delivered" : "pending") }, r.status),
        h("td", { class: "muted" }, r.from), h("td", { class: "muted" }, r.file || "")))),
    routes.errors.length === 0 ? h("p", { class: "muted", id: "route-errors" }, "Every route file loaded.") :
      h("div", { class: "card", id: "route-errors" }, h("h2", {}, "Route files that did not load"),
        routes.errors.map((e) => h("div", {}, h("strong", {}, e.file + (e.line ? ":" + e.line : "")), h("p", {}, e.message)))),
    h("p", {}, h("button", { id: "download-asyncapi", onclick: downloadAsyncApi }, "Download the AsyncAPI document"),
      " ", h("span", { class: "muted" }, "everything the hub sends, by source and event type (GET /v1/asyncapi)")),
    h("h2", {}, "Mapping playground"),
    h("p", { class: "muted" }, "Paste a raw event as its producer sends it: see the envelopes it would produce. Nothing is stored."),
    h("div", { class: "split" },
      h("div", {}, h("div", { class: "row" }, source,
        h("button", { class: "primary", id: "preview", onclick: async () => {
          let body;
          try { body = JSON.parse(raw.value); } catch (e) { result.replaceChildren(h("p", { class: "status dead" }, "Not JSON: " + e.message)); return; }
          try {
            const preview = await api("POST", "/v1/sources/" + source.value + "/preview", body);
            result.replaceChildren(h("p", {}, preview.events.length + " envelope(s)"), json(preview.events));
          } catch (e) {
            result.replaceChildren(h("p", { class: "status dead" }, e.message), e.problem && e.problem.errors ? h("ul", {}, e.problem.errors.map((m) => h("li", {}, m))) : "");
          }
        } }, "Preview")), raw),
      result));
}

// ---- health --------------------------------------------------------------------------------------------------------

async function health() {
  const cards = h("div", { class: "cards", id: "health" });
  const circuits = h("div", { id: "circuits" });
  async function load() {
    const s = await api("GET", "/v1/stats");
    const metric = (id, label, value) => h("div", { class: "card" }, h("div", { class: "metric", id }, value), h("div", { class: "muted" }, label));
    cards.replaceChildren(
      metric("stat-pending", "pending", s.deliveries.pending),
      metric("stat-failed", "retrying", s.deliveries.failed),
      metric("stat-dead", "dead", s.deliveries.dead),
      metric("stat-delivered", "delivered", s.deliveries.delivered),
      metric("stat-circuits", "open circuits", s.open_circuits.length),
      metric("stat-rate", "events/s (last minute)", s.events_per_second));
    circuits.replaceChildren(s.open_circuits.length === 0 ? h("p", { class: "muted" }, "Every circuit is closed.") :
      h("table", {}, h("tr", {}, h("th", {}, "Webhook"), h("th", {}, "Circuit")),
        s.open_circuits.map((c) => h("tr", {}, h("td", {}, h("a", { href: "#/webhooks/" + c.webhook_id }, c.webhook_id)), h("td", {}, status(c.state))))));
  }
  show(h("h1", {}, "Health"), cards, h("h2", {}, "Open circuits"), circuits);
  await load();
  refreshTimer = setInterval(() => load().catch(() => {}), 3000);
}

// ---- routing -------------------------------------------------------------------------------------------------------

const routes = [
  [/^#\/webhooks\/new$/, newWebhook],
  [/^#\/webhooks\/([^/?]+)$/, webhook],
  [/^#\/webhooks$/, webhooks],
  [/^#\/events$/, events],
  [/^#\/deliveries\/([^/?]+)$/, delivery],
  [/^#\/deliveries(\?.*)?$/, deliveries],
  [/^#\/sources$/, sources],
  [/^#\/health$/, health],
];

async function route() {
  clearInterval(refreshTimer);
  const signedIn = !!sessionStorage.getItem(KEY);
  document.getElementById("nav").hidden = !signedIn;
  if (!signedIn) return signIn();
  const hash = location.hash || "#/webhooks";
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", hash.startsWith(a.getAttribute("href"))));
  for (const [pattern, render] of routes) {
    const match = hash.match(pattern);
    if (match) {
      await attempt(() => (pattern.source.includes("([^") ? render(decodeURIComponent(match[1])) : render()));
      return;
    }
  }
  location.hash = "#/webhooks";
}

document.getElementById("sign-out").addEventListener("click", () => signOut());
window.addEventListener("hashchange", route);
route();
