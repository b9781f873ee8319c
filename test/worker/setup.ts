// Every test file starts with the operators' index (D1) migrated, as a deployment's is (once: the
// files share one database).
import { applyD1Migrations, env } from "cloudflare:test";

const migrated = await env.INDEX.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'd1_migrations'").first();
if (!migrated) await applyD1Migrations(env.INDEX, (env as unknown as { TEST_D1_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_D1_MIGRATIONS);
