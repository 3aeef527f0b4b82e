// Removes wasm exports that nothing calls, so wasm-opt can then drop the code behind
// them. Leptos always links server_fn's browser client, whose wasm-streams dependency
// exports its stream adapter classes (`intounderlying*`); cancel-flow has no server
// functions and its glue never reaches them. Usage: stripUnusedExports(file, /regex/).
import fs from "node:fs";

function uleb(buf, pos) {
  let value = 0, shift = 0, byte;
  do { byte = buf[pos++]; value |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
  return [value >>> 0, pos];
}

function encodeUleb(n) {
  const out = [];
  do { let byte = n & 0x7f; n >>>= 7; if (n) byte |= 0x80; out.push(byte); } while (n);
  return Buffer.from(out);
}

/** Rewrites the export section of `file` without the exports whose names match `pattern`; returns their names. */
export function stripUnusedExports(file, pattern) {
  const wasm = fs.readFileSync(file);
  const parts = [wasm.subarray(0, 8)];
  const dropped = [];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = uleb(wasm, pos + 1);
    const end = start + size;
    if (id !== 7) {
      parts.push(wasm.subarray(pos, end));
      pos = end;
      continue;
    }
    let [count, at] = uleb(wasm, start);
    const kept = [];
    for (let i = 0; i < count; i++) {
      const entry = at;
      const [len, nameAt] = uleb(wasm, at);
      const name = wasm.subarray(nameAt, nameAt + len).toString();
      [, at] = uleb(wasm, nameAt + len + 1); // kind byte, then index
      if (pattern.test(name)) dropped.push(name);
      else kept.push(wasm.subarray(entry, at));
    }
    const body = Buffer.concat([encodeUleb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), encodeUleb(body.length), body);
    pos = end;
  }
  fs.writeFileSync(file, Buffer.concat(parts));
  return dropped;
}
