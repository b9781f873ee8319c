/**
 * A stand-in for Argilla 2.x, for tests and local runs: the subset of its v1 REST API this project
 * uses, with Argilla's behaviour where it matters (../shared notes, checked against the server
 * source): status codes and error bodies, span validation in code points, labels among the
 * question's options, question ids, upsert by external_id that never changes an existing record's
 * fields, at most 500 records per bulk request, one response per (record, user), and webhooks
 * signed as Argilla signs them (Standard Webhooks, retried after failures).
 *
 * Test controls: `POST /_sim/responses` (an expert submits, saves a draft or discards),
 * `GET /_sim/deliveries` (every webhook delivery made, with its exact headers and body),
 * `POST /_sim/outage {"ms": n}` (the API answers 503 for a while).
 *
 *   node dev/argilla-standin.ts [--port 6900] [--api-key owner.apikey]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";
import type { Delivery } from "./argilla-standin-protocol.ts";
import { json, readBody } from "./openai-http.ts";

type Json = Record<string, unknown>;
interface User {
  id: string;
  username: string;
  role: "owner" | "admin" | "annotator";
  api_key: string;
}
interface Dataset {
  id: string;
  name: string;
  workspace_id: string;
  status: "draft" | "ready";
  guidelines: string | null;
  allow_extra_metadata: boolean;
  distribution: { strategy: "overlap"; min_submitted: number };
  inserted_at: string;
  updated_at: string;
}
interface Child {
  id: string;
  name: string;
  title: string;
  dataset_id: string;
  settings: Json;
  required?: boolean;
  description?: string | null;
  visible_for_annotators?: boolean;
  inserted_at: string;
  updated_at: string;
}
interface Span {
  label: string;
  start: number;
  end: number;
}
interface Suggestion {
  id: string;
  question_id: string;
  type: string | null;
  score: number[] | null;
  value: Span[];
  agent: string | null;
  inserted_at: string;
  updated_at: string;
}
interface ArgillaResponse {
  id: string;
  values: Record<string, { value: Span[] }> | null;
  status: "submitted" | "discarded" | "draft";
  record_id: string;
  user_id: string;
  inserted_at: string;
  updated_at: string;
}
interface ArgillaRecord {
  id: string;
  external_id: string | null;
  dataset_id: string;
  fields: Record<string, unknown>;
  metadata: Json | null;
  status: "pending" | "completed";
  suggestions: Map<string, Suggestion>;
  responses: Map<string, ArgillaResponse>;
  inserted_at: string;
  updated_at: string;
}
interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  description: string | null;
  inserted_at: string;
  updated_at: string;
}

export interface ArgillaStandin {
  url: string;
  ownerApiKey: string;
  server: Server;
  close(): Promise<void>;
}

const NAME_PATTERN = /^(?=.*[a-z0-9])[a-z0-9_-]+$/;
const WEBHOOK_EVENTS = [
  "dataset.created",
  "dataset.updated",
  "dataset.deleted",
  "dataset.published",
  "record.created",
  "record.updated",
  "record.deleted",
  "record.completed",
  "response.created",
  "response.updated",
  "response.deleted",
];

class HttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  constructor(status: number, detail: unknown) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
  }
}
const notFound = (what: string, id: string) => new HttpError(404, `${what} with id \`${id}\` not found`);
const unprocessable = (message: string) => new HttpError(422, message);
const schemaError = (loc: Array<string | number>, msg: string) =>
  new HttpError(422, { code: "argilla.api.errors::ValidationError", params: { errors: [{ loc: ["body", ...loc], msg, type: "value_error" }] } });

/** Python's len(): code points, not UTF-16 units. */
const codePoints = (text: string) => [...text].length;
const now = () => new Date().toISOString();

export async function startArgillaStandin(
  options: { port?: number; apiKey?: string; webhookRetryDelaysMs?: number[]; webhookTimeoutMs?: number } = {},
): Promise<ArgillaStandin> {
  const ownerKey = options.apiKey ?? "argilla.apikey";
  const users = new Map<string, User>();
  const addUser = (username: string, role: User["role"], apiKey = `${username}.${randomBytes(8).toString("hex")}`) => {
    const user: User = { id: randomUUID(), username, role, api_key: apiKey };
    users.set(user.id, user);
    return user;
  };
  addUser("owner", "owner", ownerKey);
  const workspaces = new Map<string, { id: string; name: string; inserted_at: string; updated_at: string }>();
  const datasets = new Map<string, Dataset>();
  const fields = new Map<string, Child>();
  const questions = new Map<string, Child>();
  const metadataProperties = new Map<string, Child>();
  const records = new Map<string, ArgillaRecord>();
  const webhooks = new Map<string, WebhookRow>();
  const deliveries: Delivery[] = [];
  const retryDelays = options.webhookRetryDelaysMs ?? [10_000, 60_000, 180_000];
  const timers = new Set<NodeJS.Timeout>();
  /** Until this time every API call answers 503, as a server that is down behind its proxy. */
  let downUntil = 0;

  const childrenOf = (map: Map<string, Child>, datasetId: string) => [...map.values()].filter((c) => c.dataset_id === datasetId);
  const dataset = (id: string) => datasets.get(id) ?? raise(notFound("Dataset", id));

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return json(res, error.status, { detail: error.detail });
      json(res, 500, { detail: { code: "argilla.api.errors::GenericServerError", params: { type: "Exception", message: String(error) } } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://argilla");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "DELETE" ? {} : await jsonBody(req);

    if (path.startsWith("/_sim/")) return simulate(method, path, body, res);
    if (Date.now() < downUntil) return json(res, 503, { detail: "Service Unavailable" });

    const user = authenticate(req);
    const route = (pattern: string, verb: string) => {
      if (verb !== method) return null;
      const match = new RegExp(`^${pattern.replace(/:\w+/g, "([^/]+)")}$`).exec(path);
      return match ? match.slice(1) : null;
    };
    let m: string[] | null;

    if (route("/api/v1/me", "GET")) return json(res, 200, publicUser(user));
    if (route("/api/v1/me/workspaces", "GET")) return json(res, 200, { items: [...workspaces.values()] });
    if (route("/api/v1/workspaces", "POST")) {
      requireRole(user, "owner");
      const name = requireString(body, "name");
      if ([...workspaces.values()].some((w) => w.name === name)) throw new HttpError(409, `Workspace with name \`${name}\` already exists`);
      const workspace = { id: randomUUID(), name, inserted_at: now(), updated_at: now() };
      workspaces.set(workspace.id, workspace);
      return json(res, 201, workspace);
    }
    if (route("/api/v1/me/datasets", "GET")) {
      const workspaceId = url.searchParams.get("workspace_id");
      return json(res, 200, { items: [...datasets.values()].filter((d) => !workspaceId || d.workspace_id === workspaceId) });
    }
    if (route("/api/v1/datasets", "POST")) {
      requireRole(user, "owner", "admin");
      const name = requireString(body, "name");
      const workspaceId = requireString(body, "workspace_id");
      if (!workspaces.has(workspaceId)) throw unprocessable(`Workspace with id \`${workspaceId}\` not found`);
      if ([...datasets.values()].some((d) => d.name === name && d.workspace_id === workspaceId)) {
        throw new HttpError(409, `Dataset with name \`${name}\` already exists for workspace with id \`${workspaceId}\``);
      }
      const created: Dataset = {
        id: randomUUID(),
        name,
        workspace_id: workspaceId,
        status: "draft",
        guidelines: (body.guidelines as string | undefined) ?? null,
        allow_extra_metadata: body.allow_extra_metadata !== false,
        distribution: { strategy: "overlap", min_submitted: 1 },
        inserted_at: now(),
        updated_at: now(),
      };
      datasets.set(created.id, created);
      return json(res, 201, created);
    }
    if ((m = route("/api/v1/datasets/:id", "GET"))) return json(res, 200, dataset(m[0]));
    if ((m = route("/api/v1/datasets/:id", "DELETE"))) {
      requireRole(user, "owner", "admin");
      const target = dataset(m[0]);
      datasets.delete(target.id);
      for (const map of [fields, questions, metadataProperties]) for (const child of childrenOf(map, target.id)) map.delete(child.id);
      for (const record of records.values()) if (record.dataset_id === target.id) records.delete(record.id);
      return json(res, 200, target);
    }

    for (const [segment, map] of [
      ["fields", fields],
      ["questions", questions],
      ["metadata-properties", metadataProperties],
    ] as const) {
      if ((m = route(`/api/v1/datasets/:id/${segment}`, "GET"))) return json(res, 200, { items: childrenOf(map, dataset(m[0]).id) });
      if ((m = route(`/api/v1/datasets/:id/${segment}`, "POST"))) {
        requireRole(user, "owner", "admin");
        const target = dataset(m[0]);
        const name = requireString(body, "name");
        if (!NAME_PATTERN.test(name)) throw schemaError(["name"], `string does not match regex "${NAME_PATTERN.source}"`);
        if (childrenOf(map, target.id).some((c) => c.name === name)) throw new HttpError(409, `${segment} with name \`${name}\` already exists for dataset with id \`${target.id}\``);
        const settings = (body.settings ?? {}) as Json;
        if (segment === "fields") {
          if (target.status === "ready") throw unprocessable("Field cannot be created for a published dataset");
          if (!["text", "image", "chat", "custom"].includes(String(settings.type))) throw schemaError(["settings", "type"], "unknown field type");
        }
        if (segment === "questions") validateQuestion(target, settings);
        const child: Child = {
          id: randomUUID(),
          name,
          title: (body.title as string | undefined) ?? name,
          dataset_id: target.id,
          settings,
          required: body.required === true,
          description: (body.description as string | undefined) ?? null,
          visible_for_annotators: body.visible_for_annotators !== false,
          inserted_at: now(),
          updated_at: now(),
        };
        map.set(child.id, child);
        return json(res, 201, child);
      }
    }
    if ((m = route("/api/v1/datasets/:id/publish", "PUT"))) {
      requireRole(user, "owner", "admin");
      const target = dataset(m[0]);
      if (target.status === "ready") throw unprocessable("Dataset is already published");
      if (childrenOf(fields, target.id).length === 0) throw unprocessable("Dataset cannot be published without fields");
      if (!childrenOf(questions, target.id).some((q) => q.required)) throw unprocessable("Dataset cannot be published without required questions");
      target.status = "ready";
      target.updated_at = now();
      return json(res, 200, target);
    }
    if ((m = route("/api/v1/datasets/:id/records/bulk", "PUT"))) {
      requireRole(user, "owner", "admin");
      return json(res, 200, { items: upsertRecords(dataset(m[0]), body) });
    }
    if ((m = route("/api/v1/datasets/:id/records", "GET"))) {
      const target = dataset(m[0]);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      if (!(limit >= 1 && limit <= 1000)) throw schemaError(["limit"], "ensure this value is between 1 and 1000");
      const include = (url.searchParams.getAll("include").join(",") || "").split(",");
      const all = [...records.values()].filter((r) => r.dataset_id === target.id);
      return json(res, 200, { items: all.slice(offset, offset + limit).map((r) => publicRecord(r, include)), total: all.length });
    }
    if ((m = route("/api/v1/datasets/:id/records", "DELETE"))) {
      // As Argilla: `ids` is a comma-separated list (at most 100); ids of no record are ignored.
      requireRole(user, "owner", "admin");
      const target = dataset(m[0]);
      const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
      if (ids.length === 0 || ids.length > 100) throw schemaError(["ids"], "between 1 and 100 record ids, comma-separated");
      for (const id of ids) if (records.get(id)?.dataset_id === target.id) records.delete(id);
      return void res.writeHead(204).end();
    }
    if ((m = route("/api/v1/records/:id/suggestions", "GET"))) {
      const record = records.get(m[0]) ?? raise(notFound("Record", m[0]));
      return json(res, 200, { items: [...record.suggestions.values()] });
    }
    if (route("/api/v1/webhooks", "GET")) {
      requireRole(user, "owner");
      return json(res, 200, { items: [...webhooks.values()] });
    }
    if (route("/api/v1/webhooks", "POST")) {
      requireRole(user, "owner");
      const target = requireString(body, "url");
      const events = body.events;
      if (!Array.isArray(events) || events.length === 0 || events.some((e) => !WEBHOOK_EVENTS.includes(String(e)))) throw schemaError(["events"], "invalid events");
      if (webhooks.size >= 10) throw unprocessable("You can't create more than 10 webhooks. Please delete some of them first");
      const hook: WebhookRow = {
        id: randomUUID(),
        url: target,
        events: events as string[],
        secret: randomBytes(24).toString("base64"),
        enabled: true,
        description: (body.description as string | undefined) ?? null,
        inserted_at: now(),
        updated_at: now(),
      };
      webhooks.set(hook.id, hook);
      return json(res, 201, hook);
    }
    if ((m = route("/api/v1/webhooks/:id", "DELETE"))) {
      requireRole(user, "owner");
      const hook = webhooks.get(m[0]) ?? raise(notFound("Webhook", m[0]));
      webhooks.delete(hook.id);
      return json(res, 200, hook);
    }
    if ((m = route("/api/v1/webhooks/:id/ping", "POST"))) {
      requireRole(user, "owner");
      const hook = webhooks.get(m[0]) ?? raise(notFound("Webhook", m[0]));
      deliver(hook, "ping", { agent: "argilla-server", version: "2.8.0" });
      return void res.writeHead(204).end();
    }
    throw new HttpError(404, "Not Found");
  }

  function authenticate(req: IncomingMessage): User {
    const key = (req.headers["x-argilla-api-key"] as string | undefined) ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const user = [...users.values()].find((u) => u.api_key === key);
    if (!user) throw new HttpError(401, { code: "argilla.api.errors::UnauthorizedError", params: { detail: "Could not validate credentials" } });
    return user;
  }

  function requireRole(user: User, ...roles: User["role"][]): void {
    if (!roles.includes(user.role)) throw new HttpError(403, { code: "argilla.api.errors::ForbiddenOperationError", params: { detail: `Operation not allowed for role ${user.role}` } });
  }

  function validateQuestion(target: Dataset, settings: Json): void {
    if (settings.type !== "span") return;
    const field = childrenOf(fields, target.id).find((f) => f.name === settings.field);
    if (!field || field.settings.type !== "text") throw unprocessable(`span question needs an existing text field, got \`${String(settings.field)}\``);
    if (childrenOf(questions, target.id).some((q) => q.settings.type === "span" && q.settings.field === settings.field)) {
      throw unprocessable(`Span question with field \`${String(settings.field)}\` already exists`);
    }
    const options = settings.options;
    if (!Array.isArray(options) || options.length < 1 || options.length > 500) throw schemaError(["settings", "options"], "ensure this value has between 1 and 500 items");
    const values = options.map((o) => (o as Json).value);
    if (new Set(values).size !== values.length) throw schemaError(["settings", "options"], "options must have unique values");
  }

  function upsertRecords(target: Dataset, body: Json): Json[] {
    if (target.status !== "ready") throw unprocessable("Records cannot be created for a non published dataset");
    const items = body.items;
    if (!Array.isArray(items) || items.length < 1 || items.length > 500) throw schemaError(["items"], "ensure this value has between 1 and 500 items");
    const datasetFields = childrenOf(fields, target.id);
    const datasetQuestions = new Map(childrenOf(questions, target.id).map((q) => [q.id, q]));
    const prepared = items.map((raw, index) => {
      const item = raw as Json;
      const existing =
        (item.external_id !== undefined && [...records.values()].find((r) => r.dataset_id === target.id && r.external_id === item.external_id)) ||
        (typeof item.id === "string" ? records.get(item.id) : undefined) ||
        undefined;
      const itemFields = (item.fields ?? {}) as Record<string, unknown>;
      if (!existing) {
        for (const field of datasetFields) {
          if (field.required && !(field.name in itemFields)) throw unprocessable(`Record at position ${index} is not valid because missing required value for field: '${field.name}'`);
        }
        for (const name of Object.keys(itemFields)) {
          const field = datasetFields.find((f) => f.name === name);
          if (!field) throw unprocessable(`Record at position ${index} is not valid because found fields values for non configured fields: ['${name}']`);
          if (field.settings.type === "text" && typeof itemFields[name] !== "string") throw unprocessable(`Record at position ${index} is not valid because wrong value found for field '${name}'. Expected 'str'`);
        }
      }
      // An existing record keeps its fields whatever the item says (spans are checked against them).
      const suggestions = ((item.suggestions ?? []) as Json[]).map((suggestion, s) => {
        const question = datasetQuestions.get(String(suggestion.question_id));
        if (!question) throw unprocessable(`Record at position ${index} is not valid because question_id=${String(suggestion.question_id)} does not exist`);
        const fieldText = String((existing?.fields ?? itemFields)[String(question.settings.field)] ?? "");
        validateSpans(question, suggestion.value, suggestion.score, fieldText, `Record at position ${index} is not valid because suggestion at position ${s}`);
        return suggestion;
      });
      return { item, existing, itemFields, suggestions };
    });

    return prepared.map(({ item, existing, itemFields, suggestions }) => {
      const record: ArgillaRecord = existing ?? {
        id: randomUUID(),
        external_id: (item.external_id as string | undefined) ?? null,
        dataset_id: target.id,
        fields: itemFields,
        metadata: null,
        status: "pending",
        suggestions: new Map(),
        responses: new Map(),
        inserted_at: now(),
        updated_at: now(),
      };
      if ("metadata" in item) record.metadata = (item.metadata as Json | null) ?? null;
      for (const suggestion of suggestions) {
        const questionId = String(suggestion.question_id);
        const previous = record.suggestions.get(questionId);
        record.suggestions.set(questionId, {
          id: previous?.id ?? randomUUID(),
          question_id: questionId,
          type: (suggestion.type as string | undefined) ?? null,
          score: (suggestion.score as number[] | null | undefined) ?? null,
          value: suggestion.value as Span[],
          agent: (suggestion.agent as string | undefined) ?? null,
          inserted_at: previous?.inserted_at ?? now(),
          updated_at: now(),
        });
      }
      record.updated_at = now();
      records.set(record.id, record);
      return publicRecord(record, ["suggestions"]);
    });
  }

  function validateSpans(question: Child, value: unknown, score: unknown, text: string, where: string): void {
    if (question.settings.type !== "span") return;
    if (!Array.isArray(value)) throw unprocessable(`${where} is not valid: span question expects a list of values`);
    const options = new Set((question.settings.options as Json[]).map((o) => o.value));
    const length = codePoints(text);
    const spans = value as Span[];
    for (const span of spans) {
      if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0) throw unprocessable(`${where} is not valid: span start and end must be non-negative integers`);
      if (span.end <= span.start) throw unprocessable(`${where} is not valid: span end must have a value greater than start`);
      if (span.end > length) throw unprocessable(`${where} is not valid: span end must have a value lower or equal to the field text length (${length})`);
      if (!options.has(span.label)) throw unprocessable(`${where} is not valid: undefined label '${span.label}' for span question`);
    }
    if (!question.settings.allow_overlapping) {
      const sorted = [...spans].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i].start < sorted[i - 1].end) throw unprocessable(`${where} is not valid: overlapping values found between spans at positions ${i - 1} and ${i}`);
      }
    }
    if (score !== null && score !== undefined) {
      if (!Array.isArray(score)) throw unprocessable(`${where} is not valid: a list of score values is expected for a list of values`);
      if (score.length !== spans.length) throw unprocessable(`${where} is not valid: number of items on value and score attributes doesn't match`);
      if (score.some((s) => typeof s !== "number" || s < 0 || s > 1)) throw unprocessable(`${where} is not valid: score values must be between 0 and 1`);
    }
  }

  function publicRecord(record: ArgillaRecord, include: string[]): Json {
    return {
      id: record.id,
      external_id: record.external_id,
      dataset_id: record.dataset_id,
      fields: record.fields,
      metadata: record.metadata,
      status: record.status,
      inserted_at: record.inserted_at,
      updated_at: record.updated_at,
      ...(include.includes("suggestions") ? { suggestions: [...record.suggestions.values()] } : {}),
      ...(include.includes("responses") ? { responses: [...record.responses.values()] } : {}),
    };
  }

  function publicUser(user: User): Json {
    return { id: user.id, username: user.username, role: user.role, first_name: user.username, last_name: null };
  }

  /** An expert acts in the UI: a response is created or updated, and the webhooks are told. */
  function respond(body: Json): Json {
    const record = (typeof body.record_id === "string" ? records.get(body.record_id) : [...records.values()].find((r) => r.external_id === body.external_id)) ?? raise(new HttpError(404, "record not found"));
    const username = requireString(body, "username");
    const user = [...users.values()].find((u) => u.username === username) ?? addUser(username, "annotator");
    const status = body.status as ArgillaResponse["status"];
    if (!["submitted", "discarded", "draft"].includes(status)) throw schemaError(["status"], "invalid status");
    const values = (body.values ?? null) as ArgillaResponse["values"];
    for (const [name, answer] of Object.entries(values ?? {})) {
      const question = childrenOf(questions, record.dataset_id).find((q) => q.name === name) ?? raise(unprocessable(`question \`${name}\` not found`));
      validateSpans(question, answer.value, null, String(record.fields[String(question.settings.field)] ?? ""), "response");
    }
    const previous = record.responses.get(user.id);
    const response: ArgillaResponse = {
      id: previous?.id ?? randomUUID(),
      values,
      status,
      record_id: record.id,
      user_id: user.id,
      inserted_at: previous?.inserted_at ?? now(),
      // Strictly later than the previous one, as a database clock would be.
      updated_at: new Date(Math.max(Date.now(), previous ? Date.parse(previous.updated_at) + 1 : 0)).toISOString(),
    };
    record.responses.set(user.id, response);
    const submitted = [...record.responses.values()].filter((r) => r.status === "submitted").length;
    record.status = submitted >= dataset(record.dataset_id).distribution.min_submitted ? "completed" : "pending";
    const target = dataset(record.dataset_id);
    const data = {
      id: response.id,
      values: response.values,
      status: response.status,
      record: { id: record.id, status: record.status, fields: record.fields, metadata: record.metadata, external_id: record.external_id, dataset: target, inserted_at: record.inserted_at, updated_at: record.updated_at },
      user: publicUser(user),
      inserted_at: response.inserted_at,
      updated_at: response.updated_at,
    };
    const type = previous ? "response.updated" : "response.created";
    for (const hook of webhooks.values()) if (hook.enabled && hook.events.includes(type)) deliver(hook, type, data);
    return response as unknown as Json;
  }

  /**
   * Standard Webhooks, as Argilla sends them: the body is fixed when the event happens; each attempt
   * gets a new webhook-id, timestamp and signature; non-2xx answers are retried.
   */
  function deliver(hook: WebhookRow, type: string, data: unknown, attempt = 1, body = JSON.stringify({ type, version: 1, timestamp: now(), data })): void {
    const id = `msg_${randomUUID().replace(/-/g, "")}`;
    const timestamp = new Date();
    const headers = {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": new Webhook(hook.secret).sign(id, timestamp, body),
    };
    const delivery: Delivery = { webhookId: hook.id, url: hook.url, type, headers, body, status: null, attempt };
    deliveries.push(delivery);
    void fetch(hook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 20_000) })
      .then((response) => (delivery.status = response.status))
      .catch(() => (delivery.status = 0))
      .then(() => {
        if (delivery.status! >= 200 && delivery.status! < 300) return;
        const delay = retryDelays[attempt - 1];
        if (delay === undefined) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          deliver(hook, type, data, attempt + 1, body);
        }, delay);
        timers.add(timer);
      });
  }

  function simulate(method: string, path: string, body: Json, res: ServerResponse): void {
    if (method === "POST" && path === "/_sim/responses") return json(res, 201, respond(body));
    if (method === "GET" && path === "/_sim/deliveries") return json(res, 200, deliveries);
    if (method === "POST" && path === "/_sim/outage") {
      downUntil = Date.now() + Number(body.ms);
      return json(res, 201, { ok: true });
    }
    throw new HttpError(404, "Not Found");
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ownerApiKey: ownerKey,
    server,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function jsonBody(req: IncomingMessage): Promise<Json> {
  const text = (await readBody(req)).toString("utf8");
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through
  }
  throw new HttpError(422, { code: "argilla.api.errors::ValidationError", params: { errors: [{ loc: ["body"], msg: "invalid JSON object", type: "value_error.jsondecode" }] } });
}

function requireString(body: Json, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw schemaError([key], "field required");
  return value;
}

function raise(error: Error): never {
  throw error;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "6900" }, "api-key": { type: "string" } } });
  const standin = await startArgillaStandin({ port: Number(values.port), apiKey: values["api-key"] });
  console.log(`Argilla stand-in on ${standin.url}`);
}
