// The upload page: uploads PDFs (raw body, so the browser reports byte progress), then follows each
// document over its WebSocket: a snapshot on connect, then one event per transition.
const $ = (selector, root = document) => root.querySelector(selector);
const documentsEl = $("#documents");
const notice = $("#notice");
const views = new Map();

function showNotice(message) {
  notice.textContent = message;
  notice.hidden = !message;
}

for (const type of ["dragenter", "dragover"]) {
  $("#drop").addEventListener(type, (event) => { event.preventDefault(); $("#drop").classList.add("over"); });
}
for (const type of ["dragleave", "drop"]) {
  $("#drop").addEventListener(type, () => $("#drop").classList.remove("over"));
}
$("#drop").addEventListener("drop", (event) => {
  event.preventDefault();
  for (const file of event.dataTransfer.files) upload(file);
});
$("#file-input").addEventListener("change", (event) => {
  for (const file of event.target.files) upload(file);
  event.target.value = "";
});

function upload(file) {
  showNotice("");
  const view = createView(file.name);
  view.stage.textContent = "uploading";
  const request = new XMLHttpRequest();
  request.open("POST", `/api/documents?filename=${encodeURIComponent(file.name)}`);
  request.setRequestHeader("Content-Type", "application/pdf");
  request.setRequestHeader("Idempotency-Key", crypto.randomUUID());
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) {
      view.progress.value = event.loaded / event.total;
      view.counts.textContent = `${Math.round((100 * event.loaded) / event.total)}% uploaded`;
    }
  };
  request.onload = () => {
    const body = JSON.parse(request.responseText || "{}");
    if (request.status !== 202) {
      view.root.remove();
      showNotice(`${file.name}: ${body.error?.message ?? `upload failed (${request.status})`}`);
      return;
    }
    view.token = body.token;
    views.set(body.id, view);
    follow(body.id, body.links.websocket, view);
  };
  request.onerror = () => {
    view.root.remove();
    showNotice(`${file.name}: the upload did not reach the server`);
  };
  request.send(file);
}

function createView(name) {
  const root = $("#document-template").content.firstElementChild.cloneNode(true);
  documentsEl.prepend(root);
  $(".name", root).textContent = name;
  return {
    root,
    stage: $(".stage", root),
    counts: $(".counts", root),
    elapsed: $(".elapsed", root),
    progress: $("progress", root),
    error: $(".error", root),
    pages: $(".pages", root),
    state: null,
  };
}

function follow(id, url, view, delay = 500) {
  // Browsers cannot set headers on a WebSocket: the token travels as a subprotocol, never in the URL.
  const socket = new WebSocket(url, ["vessel-docs.v1", `bearer.${view.token}`]);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "snapshot") {
      view.state = event.document;
    } else if (event.type === "document" || event.type === "page") {
      if (!view.state || event.seq !== view.state.seq + 1) {
        socket.send(JSON.stringify({ type: "snapshot" })); // a gap: start again from a snapshot
        return;
      }
      apply(view.state, event);
    } else {
      return;
    }
    render(id, view);
    delay = 500;
  };
  socket.onclose = () => {
    if (view.state && ["done", "partial", "failed", "cancelled"].includes(view.state.stage)) return;
    setTimeout(() => follow(id, url, view, Math.min(delay * 2, 10000)), delay);
  };
}

function apply(state, event) {
  state.seq = event.seq;
  if (event.type === "document") {
    state.stage = event.stage;
    state.error = event.error;
    state.finishedAt = event.at;
    if (event.pageCount !== null) state.pageCount = event.pageCount;
    return;
  }
  const index = state.pages.findIndex((page) => page.page === event.page.page);
  if (index >= 0) state.pages[index] = event.page;
  else state.pages.push(event.page);
}

function render(id, view) {
  const state = view.state;
  const counts = {};
  for (const page of state.pages) counts[page.status] = (counts[page.status] ?? 0) + 1;
  const finished = ["done", "degraded", "blank", "failed"].reduce((n, status) => n + (counts[status] ?? 0), 0);
  view.stage.textContent = state.stage === "waiting" ? "waiting for OCR backend" : state.stage;
  view.counts.textContent = `${counts.done ?? 0} done, ${counts.failed ?? 0} failed of ${state.pageCount ?? "?"} pages`;
  const live = !["done", "partial", "failed", "cancelled"].includes(state.stage);
  const end = live ? Date.now() : Date.parse(state.finishedAt ?? state.updatedAt);
  view.elapsed.textContent = `${((end - Date.parse(state.createdAt)) / 1000).toFixed(1)} s`;
  view.progress.value = state.pageCount ? finished / state.pageCount : 0;
  view.error.hidden = !state.error;
  view.error.textContent = state.error ?? "";
  view.pages.replaceChildren(
    ...state.pages.map((page) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.className = page.status;
      button.type = "button";
      button.title = page.error ?? "";
      button.setAttribute("aria-label", `Page ${page.page}: ${page.status}${page.error ? `, ${page.error}` : ""}`);
      const number = document.createElement("b");
      number.textContent = page.page;
      button.append(number, page.status);
      button.addEventListener("click", () => openPage(id, view.token, page.page));
      item.append(button);
      return item;
    }),
  );
}

async function openPage(id, token, n) {
  const headers = { authorization: `Bearer ${token}` };
  const [page, found] = await Promise.all([
    fetch(`/api/documents/${id}/pages/${n}`, { headers }).then((r) => r.json()),
    fetch(`/api/documents/${id}/entities?page=${n}`, { headers }).then((r) => r.json()),
  ]);
  $("#page-title").textContent = `Page ${n} · ${page.status ?? "unknown"}${page.path ? ` · ${page.path}` : ""}`;
  // OCR output is untrusted: it is only ever set as text, never as markup.
  $("#page-text").textContent = page.ocr?.text ?? page.error?.message ?? page.error ?? "No text yet.";
  $("#page-entities tbody").replaceChildren(
    ...(found.entities ?? []).map((entity) => {
      const row = document.createElement("tr");
      for (const value of [entity.label, entity.value, entity.text, entity.flags.join(", ") || "ok"]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      }
      return row;
    }),
  );
  $("#page-view").showModal();
}
