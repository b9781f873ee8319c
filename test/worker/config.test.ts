import { describe, expect, it } from "vitest";
import { configurationIssues, ocrEndpoints } from "../../src/config";

const production = {
  DEPLOYMENT: "production",
  SPARK_OCR_URL: "https://ocr.fleet-intel.org",
  WAREHOUSE_URL: "postgres://analyst@pg.us-east-1-aws.motherduck.com:5432/vessel_docs?sslmode=require",
  ARGILLA_URL: "https://argilla.fleet-intel.org",
  ARGILLA_API_KEY: "(set)",
  PUBLIC_URL: "https://vessel-docs.fleet-intel.org",
  UPLOAD_AUTH: "access",
  ACCESS_TEAM_DOMAIN: "https://fleet-intel.cloudflareaccess.com",
  ACCESS_AUD: "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2",
  DOCUMENT_ID_SECRET: "(set)",
  REVIEW_LINK_SECRET: "(set)",
};

describe("a deployment's configuration", () => {
  it("accepts real services over https with Access in front", () => {
    expect(configurationIssues(production)).toEqual([]);
  });

  it("refuses loopback and plain-http services, placeholders, open uploads and missing secrets", () => {
    const issues = configurationIssues({
      ...production,
      SPARK_OCR_URL: "http://127.0.0.1:8790",
      WAREHOUSE_URL: "postgres://local@localhost:8795/warehouse",
      ARGILLA_URL: "http://argilla.fleet-intel.org",
      PUBLIC_URL: "https://vessel-docs.CHANGE-ME.example",
      UPLOAD_AUTH: "public",
      DOCUMENT_ID_SECRET: "",
    });
    expect(issues).toEqual([
      expect.stringMatching(/^SPARK_OCR_URL: .*points at this machine \(127\.0\.0\.1\)/),
      expect.stringMatching(/^WAREHOUSE_URL: .*points at this machine \(localhost\)/),
      expect.stringMatching(/^ARGILLA_URL: .*plain http/),
      expect.stringMatching(/^PUBLIC_URL: .*placeholder/),
      expect.stringMatching(/^UPLOAD_AUTH: .*lets anyone upload/),
      expect.stringMatching(/^DOCUMENT_ID_SECRET: /),
    ]);
    expect(configurationIssues({ ...production, UPLOAD_AUTH: "public", ALLOW_PUBLIC_UPLOADS: "true" })).toEqual([]);
  });

  it("lets a local run use the machine's own services", () => {
    expect(configurationIssues({ SPARK_OCR_URL: "http://127.0.0.1:8790", WAREHOUSE_URL: "postgres://local@127.0.0.1:8795/warehouse" })).toEqual([]);
  });

  it("takes several GPU boxes as a comma-separated list, each checked like one", () => {
    const boxes = "https://ocr.fleet-intel.org, https://ocr2.fleet-intel.org/";
    expect(configurationIssues({ ...production, SPARK_OCR_URL: boxes })).toEqual([]);
    expect(ocrEndpoints(boxes)).toEqual(["https://ocr.fleet-intel.org", "https://ocr2.fleet-intel.org"]);
    expect(configurationIssues({ ...production, SPARK_OCR_URL: "https://ocr.fleet-intel.org,http://ocr2.fleet-intel.org" })).toEqual([
      expect.stringMatching(/^SPARK_OCR_URL: .*plain http/),
    ]);
    expect(configurationIssues({ ...production, SPARK_OCR_URL: "https://ocr.fleet-intel.org,not a url" })).toEqual([
      expect.stringMatching(/^SPARK_OCR_URL: must be an http\(s\) URL, or several separated by commas/),
    ]);
  });
});
