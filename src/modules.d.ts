// Wasm files are bundled as compiled modules by wrangler (and the vitest plugin).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
