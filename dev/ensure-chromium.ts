/**
 * The browser tests drive Debian's Chromium (playwright-core downloads no browser). Before `npm test`
 * runs them: if it is missing, install it with apt-get (as root, or with sudo); if that cannot be
 * done, say exactly what to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  console.log(`npm test: ${path} is missing; installing Debian's chromium for the browser tests`);
  const root = process.getuid?.() === 0;
  const run = (args: string[]) => spawnSync(root ? args[0] : "sudo", root ? args.slice(1) : ["-n", ...args], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  const ok = run(["apt-get", "update", "-qq"]).status === 0 && run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]).status === 0;
  if (!ok || !existsSync(path)) {
    console.error(`npm test: could not install chromium. Run: sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)`);
    process.exit(1);
  }
}
