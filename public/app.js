// The upload page. Uploads PDFs (raw body, so the browser reports byte progress), then follows each
// document over its WebSocket: a snapshot on connect, then one event per transition, in order. A
// gap, a dropped socket or a reload ends in a fresh snapshot. OCR output is untrusted: it is only
// ever put on the page as text nodes, never as markup. Every message is parsed with the server's own
// protocol schemas (protocol.js, built from src/domain/protocol.ts).
import { serverMessage } from "./protocol.js";

const $ = (selector, root = document) => root.querySelector(selector);
const FINAL = new Set(["done", "partial", "failed", "cancelled"]);
const SETTLED = new Set(["done", "degraded", "blank", "failed"]);
const STAGES = {
  uploading: "Uploading",
  received: "Received",
  paging: "Opening the PDF",
  ocr: "Reading pages",
  waiting: "Waiting for the OCR server",
  persisting: "Saving results",
  persist_retry: "Saving results (retrying)",
  review: "Sending to review",
  review_retry: "Sending to review (retrying)",
  done: "Done",
  partial: "Done, some pages failed",
  failed: "Failed",
  cancelled: "Cancelled",
};
const STORE = "vessel-docs.documents";
const DOCUMENT_ID = /^[0-9a-f]{32}$/;
/** Capability tokens are base64url (43 characters); the bound keeps anything else out of headers. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const views = new Map();

// ---- Choosing files ----

const drop = $("#drop");
for (const type of ["dragenter", "dragover"]) drop.addEventListener(type, (event) => { event.preventDefault(); drop.classList.add("over"); });
for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  for (const file of event.dataTransfer.files) upload(file);
});
$("#file-input").addEventListener("change", (event) => {
  for (const file of event.target.files) upload(file);
  event.target.value = "";
});

function notify(message) {
  $("#notice").textContent = message;
  $("#notice").hidden = !message;
}

function upload(file) {
  notify("");
  const view = createView(file.name);
  view.stage.textContent = STAGES.uploading;
  const request = new XMLHttpRequest();
  request.open("POST", `/api/documents?filename=${encodeURIComponent(file.name)}`);
  request.setRequestHeader("Content-Type", "application/pdf");
  request.setRequestHeader("Idempotency-Key", crypto.randomUUID());
  request.upload.onprogress = (event) => {
    if (!event.lengthComputable) return;
    view.bar.value = event.loaded / event.total;
    view.counts.textContent = `${formatBytes(event.loaded)} of ${formatBytes(event.total)}`;
  };
  request.onload = () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch { /* not JSON: use the status */ }
    if (request.status !== 202) return uploadFailed(view, file.name, body.error?.message ?? `the server answered ${request.status}`);
    adopt(view, { id: body.id, token: body.token, name: file.name });
  };
  request.onerror = () => uploadFailed(view, file.name, "the upload did not reach the server");
  request.send(file);
}

function uploadFailed(view, name, message) {
  view.stage.textContent = "Not uploaded";
  view.counts.textContent = "";
  view.alert.textContent = message;
  view.alert.hidden = false;
  view.root.classList.add("rejected");
  notify(`${name}: ${message}`);
}

// ---- Documents: one card each, remembered across reloads and linkable ----

function createView(name) {
  const root = $("#document-template").content.firstElementChild.cloneNode(true);
  $("#documents").prepend(root);
  $(".name", root).textContent = name;
  const view = {
    root,
    stage: $(".stage", root),
    counts: $(".counts", root),
    timing: $(".timing", root),
    bar: $(".bar", root),
    alert: $(".alert", root),
    connection: $(".connection", root),
    pages: $(".pages", root),
    pageErrors: $(".page-errors", root),
    cancel: $(".cancel", root),
    retry: $(".retry", root),
    link: $(".link", root),
    state: null,
    socket: null,
    delay: 500,
  };
  view.cancel.addEventListener("click", () => act(view, "cancel"));
  view.retry.addEventListener("click", () => act(view, "reprocess?pages=failed"));
  view.link.addEventListener("click", async () => {
    const link = `${location.origin}/#doc=${view.id}&token=${view.token}`;
    await navigator.clipboard?.writeText(link).catch(() => undefined);
    view.link.textContent = "Link copied";
    setTimeout(() => (view.link.textContent = "Copy link"), 2000);
  });
  return view;
}

function adopt(view, { id, token, name }) {
  Object.assign(view, { id, token, name });
  view.root.dataset.id = id;
  views.set(id, view);
  remember();
  connect(view);
}

function remember() {
  const list = [...views.values()].map(({ id, token, name }) => ({ id, token, name }));
  localStorage.setItem(STORE, JSON.stringify(list.slice(-50)));
}

function restore() {
  let saved = [];
  try { saved = JSON.parse(localStorage.getItem(STORE) ?? "[]"); } catch { /* start empty */ }
  // A shared link: #doc=<id>&token=<token> (a fragment never reaches a server or its logs). Its
  // values go into URLs and headers, so only an id and a token of the right shape are taken.
  const shared = new URLSearchParams(location.hash.slice(1));
  if (shared.has("doc") || shared.has("token")) {
    const doc = { id: shared.get("doc") ?? "", token: shared.get("token") ?? "", name: "Shared document" };
    if (!wellFormed(doc)) notify("This shared link is not valid: it needs a document id (32 hex characters) and its token.");
    else if (!saved.some((d) => d.id === doc.id)) saved.push(doc);
  }
  for (const doc of saved) if (wellFormed(doc) && !views.has(doc.id)) adopt(createView(doc.name), doc);
}

function wellFormed(doc) {
  return typeof doc?.id === "string" && DOCUMENT_ID.test(doc.id) && typeof doc.token === "string" && TOKEN.test(doc.token);
}

async function act(view, action) {
  const response = await fetch(`/api/documents/${view.id}/${action}`, { method: "POST", headers: { authorization: `Bearer ${view.token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    notify(`${view.name}: ${body.error?.message ?? `the server answered ${response.status}`}`);
  }
}

// ---- Live: the WebSocket, reconnected with backoff until the document is finished ----

function connect(view) {
  setConnection(view, "connecting");
  // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol, never in the URL.
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/api/documents/${view.id}/ws`, ["vessel-docs.v1", `bearer.${view.token}`]);
  view.socket = socket;
  let opened = false;
  socket.onopen = () => {
    opened = true;
    setConnection(view, "live");
  };
  socket.onmessage = (message) => {
    let event;
    try {
      event = serverMessage.parse(JSON.parse(message.data));
    } catch (error) {
      // A page older than the server: say so rather than show a half-understood state.
      console.warn("unexpected message from the server", error);
      view.alert.textContent = "The server sent an update this page does not understand; reload the page.";
      view.alert.hidden = false;
      return;
    }
    if (event.type === "snapshot") {
      view.state = event.document;
      if (view.name === "Shared document") $(".name", view.root).textContent = view.name = event.document.filename;
    } else if (event.type === "document" || event.type === "page") {
      if (!view.state || event.seq !== view.state.seq + 1) return socket.send(JSON.stringify({ type: "snapshot" }));
      apply(view.state, event);
    } else return;
    view.delay = 500;
    render(view);
  };
  socket.onclose = async () => {
    if (view.socket !== socket) return;
    view.socket = null;
    // Refused before it opened: a wrong link, or a document that is gone? Then stop trying.
    if (!opened) {
      const status = await fetch(`/api/documents/${view.id}`, { headers: { authorization: `Bearer ${view.token}` } }).then((r) => r.status, () => 0);
      if (status === 401 || status === 404) {
        view.alert.textContent = "This document does not exist, or the link's token is not valid.";
        view.alert.hidden = false;
        return setConnection(view, "gone");
      }
    }
    if (view.state && FINAL.has(view.state.stage)) return setConnection(view, "finished");
    setConnection(view, "reconnecting");
    view.retryTimer = setTimeout(() => connect(view), view.delay);
    view.delay = Math.min(view.delay * 2, 10_000);
  };
}

function setConnection(view, status) {
  const text = { connecting: "connecting…", live: "live", reconnecting: "connection lost, reconnecting…", finished: "", gone: "not found" }[status];
  view.connection.textContent = text;
  view.connection.dataset.status = status;
}

// Back online: do not wait for the backoff.
addEventListener("online", () => {
  for (const view of views.values()) {
    if (!view.socket && !(view.state && FINAL.has(view.state.stage))) {
      clearTimeout(view.retryTimer);
      connect(view);
    }
  }
});

function apply(state, event) {
  state.seq = event.seq;
  if (event.type === "document") {
    state.stage = event.stage;
    state.error = event.error;
    state.updatedAt = event.at;
    if (event.pageCount !== null) state.pageCount = event.pageCount;
    return;
  }
  const index = state.pages.findIndex((page) => page.page === event.page.page);
  if (index >= 0) state.pages[index] = event.page;
  else state.pages.push(event.page);
  state.pages.sort((a, b) => a.page - b.page);
}

// ---- Rendering a document card ----

function render(view) {
  const state = view.state;
  if (!state) return;
  const counts = {};
  for (const page of state.pages) counts[page.status] = (counts[page.status] ?? 0) + 1;
  const total = state.pages.length || state.pageCount || 0;
  const settled = state.pages.filter((page) => SETTLED.has(page.status)).length;
  const live = !FINAL.has(state.stage);
  view.root.dataset.stage = state.stage;
  view.stage.textContent = STAGES[state.stage] ?? state.stage;
  const parts = [`${counts.done ?? 0} of ${total || "?"} pages read`];
  if (counts.degraded) parts.push(`${counts.degraded} doubtful`);
  if (counts.blank) parts.push(`${counts.blank} blank`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  view.counts.textContent = `· ${parts.join(", ")}`;
  view.bar.value = total ? settled / total : 0;
  renderTiming(view);

  const alert = state.stage === "waiting" ? "The OCR server is unavailable. Pages wait and carry on when it is back; nothing is lost." : state.error;
  view.alert.textContent = alert ?? "";
  view.alert.hidden = !alert;
  view.cancel.hidden = !live;
  view.retry.hidden = live || !counts.failed;
  view.link.hidden = false;

  const items = view.pages.children;
  state.pages.forEach((page, i) => {
    let item = items[i];
    if (!item) {
      item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.addEventListener("click", () => openPage(view, Number(button.dataset.page)));
      item.append(button);
      view.pages.append(item);
    }
    const button = item.firstElementChild;
    button.dataset.page = page.page;
    button.className = `page ${page.status}`;
    const label = page.status === "degraded" ? "doubtful" : page.status;
    button.replaceChildren(Object.assign(document.createElement("b"), { textContent: page.page }), label);
    button.title = page.error ?? (page.entities ? `${page.entities} vessel facts` : "");
    button.setAttribute("aria-label", `Page ${page.page}: ${label}${page.error ? `. ${page.error}` : ""}`);
  });
  while (items.length > state.pages.length) items[items.length - 1].remove();

  // The reasons, in words, for pages that failed or whose text is doubtful.
  const troubled = state.pages.filter((page) => page.error && (page.status === "failed" || page.status === "degraded"));
  view.pageErrors.replaceChildren(...troubled.map((page) => Object.assign(document.createElement("li"), { textContent: page.error })));
  view.pageErrors.hidden = !troubled.length;
}

/** Elapsed time, and an estimate of what is left from the pace so far. */
function renderTiming(view) {
  const state = view.state;
  if (!state) return;
  const live = !FINAL.has(state.stage);
  const started = Date.parse(state.createdAt);
  const end = live ? Date.now() : Date.parse(state.updatedAt);
  let text = `· ${formatDuration(end - started)}`;
  if (live && state.pages.length) {
    const settled = state.pages.filter((page) => SETTLED.has(page.status)).length;
    const left = state.pages.length - settled;
    if (settled > 0 && left > 0) text += `, about ${formatDuration(((Date.now() - started) / settled) * left)} left`;
    else if (left > 0) text += ", estimating time left…";
  }
  view.timing.textContent = text;
}

setInterval(() => views.forEach(renderTiming), 1000);

function formatDuration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function formatBytes(bytes) {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---- One page: the image with its boxes, the text with its tables and entities ----

const SVG = "http://www.w3.org/2000/svg";
let imageUrl = null;

async function openPage(view, n) {
  const headers = { authorization: `Bearer ${view.token}` };
  const [page, found] = await Promise.all([
    fetch(`/api/documents/${view.id}/pages/${n}`, { headers }).then((r) => r.json()),
    fetch(`/api/documents/${view.id}/entities?page=${n}`, { headers }).then((r) => r.json()),
  ]);
  const entities = found.entities ?? [];
  const read = page.path === "text-layer" ? " (read from its text layer)" : page.pathReason && page.pathReason !== "no text layer" ? ` (OCR: ${page.pathReason})` : "";
  $("#page-title").textContent = `${view.name}, page ${n}: ${page.status ?? "unknown"}${read}`;
  $("#page-error").textContent = page.error ?? "";
  $("#page-error").hidden = !page.error;

  if (imageUrl) URL.revokeObjectURL(imageUrl);
  imageUrl = null;
  const image = $("#page-image");
  image.removeAttribute("src");
  $("#page-figure").hidden = !page.image;
  if (page.image) {
    const response = await fetch(`/api/documents/${view.id}/pages/${n}/image`, { headers });
    if (response.ok) image.src = imageUrl = URL.createObjectURL(await response.blob());
    image.alt = `Page ${n} as the model saw it`;
  }
  drawBoxes(page, entities);
  renderText(page.ocr, entities);
  renderEntities(entities);
  const dialog = $("#page-view");
  if (!dialog.open) dialog.showModal();
}

/** Blocks and the blocks holding vessel facts, in the image's own pixels (the grounding boxes). */
function drawBoxes(page, entities) {
  const svg = $("#page-boxes");
  svg.replaceChildren();
  if (!page.ocr || !page.imageWidth) return;
  svg.setAttribute("viewBox", `0 0 ${page.imageWidth} ${page.imageHeight}`);
  for (const block of page.ocr.blocks) {
    const facts = entities.filter((e) => e.start >= block.start && e.end <= block.end);
    for (const [x1, y1, x2, y2] of block.boxes) {
      const rect = document.createElementNS(SVG, "rect");
      Object.entries({ x: x1, y: y1, width: x2 - x1, height: y2 - y1 }).forEach(([k, v]) => rect.setAttribute(k, v));
      rect.setAttribute("class", facts.length ? "box entity" : "box");
      const title = document.createElementNS(SVG, "title");
      title.textContent = facts.length ? `${block.label}: ${facts.map((e) => `${e.label} ${e.value}`).join(", ")}` : block.label;
      rect.append(title);
      svg.append(rect);
    }
  }
}

function renderText(ocr, entities) {
  const target = $("#page-text");
  target.replaceChildren();
  if (!ocr) return target.append(paragraph("No text yet."));
  if (!ocr.blocks.length) return target.append(paragraph(ocr.text, 0, entities));
  for (const block of ocr.blocks) {
    if (block.table) target.append(table(block.table, entities));
    else if (block.end > block.start) target.append(paragraph(ocr.text.slice(block.start, block.end), block.start, entities, block.label));
  }
}

function paragraph(text, offset = 0, entities = [], label = "text") {
  const p = document.createElement("p");
  p.className = `block ${label.replace(/[^a-z_-]/gi, "")}`;
  p.append(marked(text, offset, entities));
  return p;
}

/** The model's HTML table, rebuilt cell by cell from the parsed structure (never its markup). */
function table(parsed, entities) {
  const el = document.createElement("table");
  el.className = "ocr-table";
  for (const row of parsed.rows) {
    const tr = document.createElement("tr");
    for (const cell of row) {
      const td = document.createElement(cell.header ? "th" : "td");
      if (cell.colspan > 1) td.colSpan = cell.colspan;
      if (cell.rowspan > 1) td.rowSpan = cell.rowspan;
      td.append(marked(cell.text, cell.start, entities));
      tr.append(td);
    }
    el.append(tr);
  }
  const wrap = document.createElement("div");
  wrap.className = "table-scroll";
  wrap.append(el);
  return wrap;
}

/** `text` (which starts at `offset` in the page's clean text) with its entities as <mark>s. */
function marked(text, offset, entities) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  const inside = entities.filter((e) => e.start >= offset && e.end <= offset + text.length).sort((a, b) => a.start - b.start);
  for (const entity of inside) {
    const start = entity.start - offset;
    if (start < at) continue;
    fragment.append(text.slice(at, start));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, entity.end - offset);
    mark.dataset.label = entity.label;
    mark.title = `${entity.label}: ${entity.value}${entity.flags.length ? ` (${entity.flags.join(", ")})` : ""}`;
    fragment.append(mark);
    at = entity.end - offset;
  }
  fragment.append(text.slice(at));
  return fragment;
}

function renderEntities(entities) {
  const body = $("#page-entities tbody");
  body.replaceChildren(
    ...entities.map((entity) => {
      const row = document.createElement("tr");
      for (const value of [entity.label, entity.value, entity.text, entity.flags.join(", ") || "ok"]) {
        row.append(Object.assign(document.createElement("td"), { textContent: value }));
      }
      if (entity.flags.length) row.className = "flagged";
      return row;
    }),
  );
  if (!entities.length) {
    const row = document.createElement("tr");
    row.append(Object.assign(document.createElement("td"), { textContent: "None found on this page.", colSpan: 4 }));
    body.append(row);
  }
}

restore();
