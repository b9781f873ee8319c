/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import apiDoc from "../../docs/api.md?raw";
import { worker } from "./helpers";

type Spec = { openapi: string; paths: Record<string, Record<string, { summary?: string; parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>> };

async function spec(): Promise<Spec> {
  const response = await worker.fetch("http://vessel.test/api/openapi.json");
  expect(response.status).toBe(200);
  return response.json<Spec>();
}

describe("/api/openapi.json", () => {
  it("is OpenAPI 3.1, generated from the routes and the zod schemas they validate with", async () => {
    const { openapi, paths } = await spec();
    expect(openapi).toBe("3.1.0");
    const entities = paths["/api/documents/{id}/entities"].get;
    expect(entities.summary).toMatch(/vessel entities/);
    expect(entities.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(["path:id", "query:label", "query:page"]);
    expect(Object.keys(paths["/api/documents/{id}"].get.responses)).toEqual(expect.arrayContaining(["200", "401", "404"]));
    const list = paths["/api/documents"].get.parameters?.map((p) => p.name).sort();
    expect(list).toEqual(["cursor", "filename", "from", "limit", "sha256", "source", "stage", "to"]);
  });

  it("describes exactly the endpoints of the API table in docs/api.md", async () => {
    const { paths } = await spec();
    const documented = [...apiDoc.matchAll(/^\| `(GET|POST|DELETE) (\/api\/[^`?]*)`/gm)]
      .map(([, method, path]) => `${method} ${path.replace(/:(\w+)/g, "{$1}")}`)
      .filter((route) => route !== "GET /api/openapi.json") // the document does not list itself
      .sort();
    const served = Object.entries(paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented.length).toBeGreaterThan(10);
    expect(served).toEqual(documented);
  });
});
