// node oidc-provider configured as bench/provider_token/run.py configures the local provider: one
// confidential client with the client_credentials grant (client_secret_basic), access tokens
// as JWTs signed with BENCH_ALG (RS256 with an RSA-2048 key, or ES256 with a P-256 key),
// a JWKS and a discovery document. One process, one event loop: node as it is usually run.
//
// Environment: BENCH_PORT (default 0: any free port), BENCH_ALG (RS256 | ES256),
// BENCH_CLIENT_ID, BENCH_CLIENT_SECRET. Prints one JSON line {"port": N} once listening,
// exits on SIGTERM/SIGINT.
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import Provider from 'oidc-provider';

const alg = process.env.BENCH_ALG || 'RS256';
if (alg !== 'RS256' && alg !== 'ES256') {
  console.error(`server.mjs: BENCH_ALG must be RS256 or ES256, not ${alg}`);
  process.exit(2);
}
const clientId = process.env.BENCH_CLIENT_ID || 'bench-client';
const clientSecret = process.env.BENCH_CLIENT_SECRET;
if (!clientSecret) {
  console.error('server.mjs: BENCH_CLIENT_SECRET is required');
  process.exit(2);
}
const requestedPort = Number(process.env.BENCH_PORT || 0);

function privateJwk(type, options, jwkAlg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg: jwkAlg, use: 'sig' };
}

// RS256 is always in the keystore (oidc-provider signs id_tokens with it by default).
const keys = [privateJwk('rsa', { modulusLength: 2048 }, 'RS256')];
if (alg === 'ES256') keys.unshift(privateJwk('ec', { namedCurve: 'P-256' }, 'ES256'));

const resource = 'urn:mwauth:bench';

// The issuer names the port, so the server starts on a fixed or a free port first.
const probe = (await import('node:net')).createServer();
probe.listen(requestedPort, '127.0.0.1');
await once(probe, 'listening');
const port = probe.address().port;
probe.close();
await once(probe, 'close');

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: '',
        audience: clientId,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg } },
      }),
    },
  },
});

const server = provider.listen(port, '127.0.0.1');
await once(server, 'listening');
console.log(JSON.stringify({ port, alg }));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
