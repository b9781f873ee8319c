// In Node, the `.wasm` import the Worker's bundler resolves becomes this: the same file, compiled.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const wasm = readFileSync(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm"));
export default new WebAssembly.Module(wasm);
