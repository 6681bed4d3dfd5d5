// Runs before the app's modules (a deferred classic script ahead of the module script). zod
// compiles fast parsers with `new Function` once it has probed that eval works, when each schema
// is built; the node's CSP forbids eval, and the probe alone logs a CSP violation. zod reads its
// settings from this global, so it must be set before any module builds a schema.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
