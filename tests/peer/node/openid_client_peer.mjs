// Peer for TestOpenIdClientPeer: node's openid-client (the certified relying-party library)
// and jose against the local provider. Run with `node openid_client_peer.mjs` after
// `npm ci --prefix tests/peer/node`.
//
// A conversation of JSON lines on stdin/stdout. The test writes the configuration first:
//
//   {"issuer": "http://127.0.0.1:<port>",
//    "machine": {"client_id", "client_secret"},                       client_credentials
//    "web": {"client_id", "client_secret", "redirect_uri"},            authorization code
//    "user": {"name", "password"},
//    "scope": "basic", "oidc_scopes": ["profile", "email"],
//    "steps": ["versions", "discover_oauth", ...]}
//
// The peer answers one line per step, {"step": name, "ok": true|false, ...}, then {"done": true}.
// A step that needs the provider to change (a key rotation) writes {"request": "rotate"} and
// reads the test's answer line before it goes on. Steps:
//
//   versions            the library versions
//   discover_oauth      discovery() of the RFC 8414 document (algorithm "oauth2")
//   client_credentials  clientCredentialsGrant; the token verified with jose through the
//                       discovered jwks_uri
//   discover_oidc       discovery() of /.well-known/openid-configuration (algorithm "oidc")
//   code_flow           authorization code + PKCE S256 + state + nonce: the "browser" (fetch
//                       with a cookie jar of its own) logs in on Special:UserLogin and accepts on
//                       the consent form; authorizationCodeGrant validates the id_token (iss,
//                       aud, exp, iat, nonce, signature through the JWKS)
//   userinfo            fetchUserInfo with the access token, sub checked by the library
//   refresh             refreshTokenGrant: new tokens; the old refresh token is refused
//   rotation            tokens before and after a key rotation (asked of the test) verify
//                       through the JWKS; the new key was already published before (staged);
//                       a code flow after the rotation validates its id_token
//   retired             after the test expired the retiring key (asked of the test): the
//                       JWKS no longer has the old key, and a token it signed no longer
//                       verifies (checked at that token's own time, so only the key counts)
//
// Exit status 0 when the conversation ran (whatever the steps found); 2 when a module is
// missing (run `npm ci --prefix tests/peer/node`) or the configuration is unreadable.

import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';

let client;
let jose;
try {
    client = await import('openid-client');
    jose = await import('jose');
} catch (error) {
    process.stderr.write(`openid_client_peer: ${error.message} (run npm ci --prefix tests/peer/node)\n`);
    process.exit(2);
}

class StepFailed extends Error {
    constructor(message, details = {}) {
        super(message);
        this.details = details;
    }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
async function readLine() {
    const { value, done } = await lines.next();
    if (done)
        throw new StepFailed('the test closed the conversation');
    return JSON.parse(value);
}
function emit(message) {
    process.stdout.write(JSON.stringify(message) + '\n');
}
async function ask(request) {
    emit({ request });
    const answer = await readLine();
    if (answer.error)
        throw new StepFailed(`the test could not ${request}: ${answer.error}`);
    return answer;
}

function packageVersion(name) {
    const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
}

function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|quot|apos|lt|gt|#39);/gi, (_, entity) => {
        const lower = entity.toLowerCase();
        if (lower.startsWith('#x'))
            return String.fromCodePoint(parseInt(lower.slice(2), 16));
        if (lower.startsWith('#'))
            return String.fromCodePoint(parseInt(lower.slice(1), 10));
        return { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' }[lower];
    });
}

function attributes(tag) {
    const found = {};
    const pattern = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
    for (const match of tag.matchAll(pattern))
        found[match[1].toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
    return found;
}

// The forms of a page: {id, action, method, fields: [[name, value]], buttons: [[name, value]]}.
function parseForms(html) {
    const forms = [];
    const tags = /<(\/?)(form|input|button)\b([^>]*)>/gi;
    for (const [, closing, name, rest] of html.matchAll(tags)) {
        const tag = name.toLowerCase();
        if (closing)
            continue;
        const attrs = attributes(rest);
        if (tag === 'form') {
            forms.push({ id: attrs.id ?? '', action: attrs.action ?? '', method: (attrs.method ?? 'get').toUpperCase(),
                         fields: [], buttons: [] });
            continue;
        }
        const form = forms.at(-1);
        if (!form || !attrs.name)
            continue;
        const type = (attrs.type ?? (tag === 'input' ? 'text' : 'submit')).toLowerCase();
        if (type === 'submit' || type === 'image')
            form.buttons.push([attrs.name, attrs.value ?? '']);
        else if (type === 'checkbox' || type === 'radio') {
            if ('checked' in attrs)
                form.fields.push([attrs.name, attrs.value || 'on']);
        } else
            form.fields.push([attrs.name, attrs.value ?? '']);
    }
    return forms;
}

// A person's browser on the provider's pages: cookies, redirects, the login form and the
// consent form's "accept", until the provider sends it to the redirect_uri (never fetched).
class Browser {
    constructor(user) {
        this.user = user;
        this.cookies = new Map();
        this.pages = [];
    }

    static short(url) {
        const u = new URL(url);
        const title = u.searchParams.get('title');
        return u.pathname + (title ? `?title=${title}` : u.search.slice(0, 30));
    }

    remember(response) {
        for (const line of response.headers.getSetCookie()) {
            const [pair, ...options] = line.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            const expired = options.some((option) => {
                const [key, val = ''] = option.split('=').map((s) => s.trim());
                if (key.toLowerCase() === 'max-age')
                    return Number(val) <= 0;
                if (key.toLowerCase() === 'expires')
                    return Date.parse(val) <= Date.now();
                return false;
            });
            if (expired || value === '' || value === 'deleted')
                this.cookies.delete(name);
            else
                this.cookies.set(name, value);
        }
    }

    async request(method, url, form) {
        const headers = {};
        if (this.cookies.size)
            headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        let body;
        if (form) {
            body = new URLSearchParams(form).toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
        }
        const response = await fetch(url, { method, headers, body, redirect: 'manual' });
        this.remember(response);
        this.pages.push(`${method} ${Browser.short(url)} -> ${response.status}`);
        return response;
    }

    async authorize(start, redirectUri) {
        let method = 'GET';
        let url = start.href;
        let form;
        for (let hop = 0; hop < 25; ++hop) {
            const response = await this.request(method, url, form);
            if (response.status >= 300 && response.status < 400) {
                const target = new URL(response.headers.get('location'), url).href;
                if (target.startsWith(redirectUri))
                    return new URL(target);
                method = 'GET';
                url = target;
                form = undefined;
                continue;
            }
            const text = await response.text();
            if (response.status !== 200)
                throw new StepFailed(`the provider answered ${response.status} at ${Browser.short(url)}: ${text.slice(0, 300)}`,
                                     { pages: this.pages });
            ({ method, url, form } = this.submit(url, parseForms(text), text));
        }
        throw new StepFailed('no redirect to the redirect_uri after 25 requests', { pages: this.pages });
    }

    submit(url, forms, text) {
        for (const f of forms) {
            const names = f.fields.map(([name]) => name);
            if (names.includes('wpName') && names.includes('wpPassword')) {
                this.pages.push('login form');
                const fields = f.fields.filter(([name]) => name !== 'wpName' && name !== 'wpPassword');
                fields.push(['wpName', this.user.name], ['wpPassword', this.user.password], ...f.buttons.slice(0, 1));
                return { method: f.method, url: new URL(f.action, url).href, form: fields };
            }
            if (f.id === 'mw-mwoauth-authorize-form') {
                this.pages.push('consent form');
                const accept = f.buttons.filter(([name]) => name === 'accept');
                if (!accept.length)
                    throw new StepFailed(`the consent form has no 'accept' button: ${JSON.stringify(f.buttons)}`);
                return { method: f.method, url: new URL(f.action, url).href, form: [...f.fields, ...accept] };
            }
        }
        const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1] ?? '';
        throw new StepFailed(`a page with neither the login nor the consent form at ${Browser.short(url)} (title "${title}")`,
                             { pages: this.pages });
    }
}

function describe(error) {
    if (error instanceof client.ResponseBodyError)
        return { status: error.status, error: error.error, error_description: error.error_description, body: error.cause };
    return { code: error.code, message: error.message, cause: error.cause?.message };
}

async function refused(call) {
    try {
        await call();
    } catch (error) {
        return describe(error);
    }
    throw new StepFailed('the library got an answer where the provider should have refused');
}

class Peer {
    constructor(config) {
        this.config = config;
        this.results = {};
        this.issuer = new URL(config.issuer);
    }

    require(step) {
        if (!this.results[step]?.ok)
            throw new StepFailed(`needs step "${step}", which did not succeed`);
    }

    async verify(token, jwks, audience, options = {}) {
        const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
            issuer: this.config.issuer, audience, ...options });
        return { claims: payload, kid: protectedHeader.kid, alg: protectedHeader.alg };
    }

    async publishedKids() {
        const response = await fetch(this.oauth.serverMetadata().jwks_uri);
        return (await response.json()).keys.map((key) => key.kid);
    }

    versions() {
        return { openid_client: packageVersion('openid-client'), jose: packageVersion('jose'),
                 oauth4webapi: packageVersion('oauth4webapi'), node: process.versions.node };
    }

    async discover_oauth() {
        const { client_id, client_secret } = this.config.machine;
        this.oauth = await client.discovery(this.issuer, client_id, client_secret, client.ClientSecretPost(client_secret),
                                            { algorithm: 'oauth2', execute: [client.allowInsecureRequests] });
        this.jwks = jose.createRemoteJWKSet(new URL(this.oauth.serverMetadata().jwks_uri), { cooldownDuration: 0 });
        return { metadata: this.oauth.serverMetadata() };
    }

    async clientCredentialsToken() {
        const tokens = await client.clientCredentialsGrant(this.oauth, { scope: this.config.scope });
        return tokens.access_token;
    }

    async client_credentials() {
        this.require('discover_oauth');
        const tokens = await client.clientCredentialsGrant(this.oauth, { scope: this.config.scope });
        const verified = await this.verify(tokens.access_token, this.jwks, this.config.machine.client_id);
        return { fields: Object.keys(tokens).sort(), token_type: tokens.token_type, expires_in: tokens.expires_in,
                 ...verified };
    }

    async discover_oidc() {
        const { client_id, client_secret, redirect_uri } = this.config.web;
        this.oidc = await client.discovery(this.issuer, client_id, { client_secret, redirect_uris: [redirect_uri] },
                                           client.ClientSecretBasic(client_secret),
                                           { execute: [client.allowInsecureRequests] });
        return { metadata: this.oidc.serverMetadata() };
    }

    // The whole authorization code flow; what the library validated and what was sent.
    async codeFlow() {
        const { redirect_uri } = this.config.web;
        const supported = this.oidc.serverMetadata().scopes_supported ?? [];
        const scope = ['openid', ...this.config.oidc_scopes.filter((s) => supported.includes(s)),
                       ...this.config.scope.split(' ')].join(' ');
        const verifier = client.randomPKCECodeVerifier();
        const nonce = client.randomNonce();
        const state = client.randomState();
        const url = client.buildAuthorizationUrl(this.oidc, {
            redirect_uri, scope, nonce, state, code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256' });
        const browser = new Browser(this.config.user);
        const callback = await browser.authorize(url, redirect_uri);
        if (callback.searchParams.has('error'))
            throw new StepFailed(`the provider redirected with an error: ${callback.search}`, { pages: browser.pages });
        const tokens = await client.authorizationCodeGrant(this.oidc, callback, {
            pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
        const header = jose.decodeProtectedHeader(tokens.id_token);
        return { tokens, scope, nonce, state, pages: browser.pages, header, claims: tokens.claims() };
    }

    async code_flow() {
        this.require('discover_oidc');
        const flow = await this.codeFlow();
        this.flow = flow;
        return { scope_sent: flow.scope, nonce_sent: flow.nonce, pages: flow.pages, fields: Object.keys(flow.tokens).sort(),
                 id_token_claims: flow.claims, id_token_header: flow.header, id_token: flow.tokens.id_token,
                 access_token: flow.tokens.access_token };
    }

    async userinfo() {
        this.require('code_flow');
        const info = await client.fetchUserInfo(this.oidc, this.flow.tokens.access_token, this.flow.claims.sub);
        return { userinfo: info };
    }

    async refresh() {
        this.require('code_flow');
        const first = this.flow.tokens;
        if (!first.refresh_token)
            throw new StepFailed('the code flow gave no refresh_token');
        const second = await client.refreshTokenGrant(this.oidc, first.refresh_token);
        const reuse = await refused(() => client.refreshTokenGrant(this.oidc, first.refresh_token));
        const third = await client.refreshTokenGrant(this.oidc, second.refresh_token);
        return { fields: Object.keys(second).sort(), rotated: second.refresh_token !== first.refresh_token,
                 id_token_claims: second.id_token ? second.claims() : null, reuse,
                 third_worked: typeof third.access_token === 'string' };
    }

    async rotation() {
        this.require('client_credentials');
        this.require('discover_oidc');
        const kidsBefore = await this.publishedKids();
        const before = await this.clientCredentialsToken();
        const verifiedBefore = await this.verify(before, this.jwks, this.config.machine.client_id);
        const rotated = await ask('rotate');
        const after = await this.clientCredentialsToken();
        const verifiedAfter = await this.verify(after, this.jwks, this.config.machine.client_id);
        const stillBefore = await this.verify(before, this.jwks, this.config.machine.client_id);
        // The openid-client configuration keeps the JWKS it fetched before the rotation.
        const flow = await this.codeFlow();
        this.beforeRotation = before;
        return { kids_before: kidsBefore, kids_after: await this.publishedKids(), rotated,
                 before: verifiedBefore, after: verifiedAfter, old_token_still_verifies: stillBefore.kid === verifiedBefore.kid,
                 id_token_header: flow.header, id_token_claims: flow.claims, nonce_sent: flow.nonce };
    }

    async retired() {
        this.require('rotation');
        const expired = await ask('expire_retiring');
        const token = this.beforeRotation;
        const { iat } = jose.decodeJwt(token);
        const fresh = jose.createRemoteJWKSet(new URL(this.oauth.serverMetadata().jwks_uri));
        const refusal = await refused(() => this.verify(token, fresh, this.config.machine.client_id,
                                                        { currentDate: new Date(iat * 1000) }));
        return { expired, kids: await this.publishedKids(), kid: jose.decodeProtectedHeader(token).kid, refusal };
    }

    async run() {
        for (const step of this.config.steps) {
            let result;
            try {
                if (typeof this[step] !== 'function' || step === 'run' || step === 'require' || step === 'verify')
                    throw new StepFailed('unknown step');
                result = { ok: true, ...(await this[step]()) };
            } catch (error) {
                result = error instanceof StepFailed ? { ok: false, error: error.message, ...error.details }
                                                     : { ok: false, error: `${error.name}: ${error.message}`, detail: describe(error) };
            }
            result.step = step;
            this.results[step] = result;
            emit(result);
        }
        emit({ done: true });
    }
}

let config;
try {
    config = await readLine();
} catch (error) {
    process.stderr.write(`openid_client_peer: the configuration line is unreadable: ${error.message}\n`);
    process.exit(2);
}
await new Peer(config).run();
process.exit(0);
