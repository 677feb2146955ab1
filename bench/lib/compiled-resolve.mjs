// The resolve hook of compiled.mjs: src/<path>.ts (or .js) becomes dist/<path>.js. Registered after
// tsx, so it runs first and sees what tsx resolved.
const SRC = new URL('../../src/', import.meta.url).href;
const DIST = new URL('../../dist/', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (!resolved.url.startsWith(SRC)) return resolved;
  return { ...resolved, url: `${DIST}${resolved.url.slice(SRC.length).replace(/\.ts$/, '.js')}`, format: 'module' };
}
