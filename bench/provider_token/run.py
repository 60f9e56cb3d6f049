#!/usr/bin/env python3
"""bench/provider_token: the local provider's token endpoint, JWKS and discovery document
under load, next to node oidc-provider configured the same way (README, "Benchmarks").

Both servers get one confidential client with the client_credentials grant (HTTP Basic
authentication) and sign JWT access tokens with RS256 (RSA-2048), then with ES256 (P-256).
`wrk` loads each target on loopback with the same connections for the same time; the script
prints requests/s, p50 and p99 for both servers, RSA-2048 signatures/s of `openssl speed`
on two processes, and checks the issue's targets:

  client_credentials RS256  >= 2.5x node's requests/s and >= 70% of openssl's 2-core signs/s
  client_credentials ES256  >= 3x node's requests/s
  GET JWKS, GET discovery   >= 3x node's requests/s
  every p99                 lower than node's

Needs: wrk (Debian package wrk), node >= 20 with `npm ci --prefix bench/node`, openssl.
Every process it starts is stopped when it ends, also when it is interrupted or killed.
Exit status: 0 when every measurement ran and every answer was right (2xx, a token that
verifies); 1 otherwise, and with --enforce also when a target is missed.
"""

import argparse
import base64
import ctypes
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR_DEFAULT = os.path.join(os.path.dirname(HERE), "node")
LOAD_LUA = os.path.join(HERE, "load.lua")

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
_children = []


def _die_with_parent():
    # A child gets SIGTERM when this script dies, even by SIGKILL (a ctest timeout).
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args, **kwargs):
    proc = subprocess.Popen(args, preexec_fn=_die_with_parent, **kwargs)
    _children.append(proc)
    return proc


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in _children:
        _children.remove(proc)


def stop_all():
    for proc in list(_children):
        stop(proc)


def _on_signal(signum, _frame):
    stop_all()
    sys.exit(128 + signum)


class BenchError(Exception):
    pass


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, preexec_fn=_die_with_parent, **kwargs)
    if result.returncode != 0:
        raise BenchError(f"{' '.join(args[:4])}... failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def first_line(proc, what, log_path, timeout=60):
    """The first line a started server prints on stdout (its address), or a clear error."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            if b"\n" in buffer:
                return json.loads(buffer.split(b"\n", 1)[0])
        if proc.poll() is not None:
            break
    log = open(log_path, encoding="utf-8", errors="replace").read()[-2000:]
    raise BenchError(f"{what} did not start (exit status {proc.poll()}):\n{log}")


def http(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def jwt_header(token):
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Server:
    """One server under test: its name, URLs, credentials and the process."""

    def __init__(self, name, proc, token_url, jwks_url, discovery_url, client_id, secret):
        self.name, self.proc = name, proc
        self.token_url, self.jwks_url, self.discovery_url = token_url, jwks_url, discovery_url
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    def check(self, mwauth, alg):
        """One request to each target: every answer must be right before the load starts."""
        status, body = http(self.token_url, b"grant_type=client_credentials",
                            {"Authorization": self.basic,
                             "Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise BenchError(f"{self.name}: the token request answered {status}: {body[:300]!r}")
        token = json.loads(body)["access_token"]
        if jwt_header(token).get("alg") != alg:
            raise BenchError(f"{self.name}: the token is signed with {jwt_header(token).get('alg')}, not {alg}")
        verified = subprocess.run([mwauth, "jwt", "verify", "--jwks", self.jwks_url, token],
                                  capture_output=True, text=True, preexec_fn=_die_with_parent)
        if verified.returncode != 0:
            raise BenchError(f"{self.name}: its {alg} token does not verify with its JWKS: "
                             f"{verified.stdout.strip()} {verified.stderr.strip()}")
        for url in (self.jwks_url, self.discovery_url):
            status, body = http(url)
            if status != 200 or not isinstance(json.loads(body), dict):
                raise BenchError(f"{self.name}: GET {url} answered {status}")


def start_ours(mwauth, db, workdir):
    log_path = os.path.join(workdir, "mwauth-serve.log")
    log = open(log_path, "ab")
    proc = spawn([mwauth, "provider", "serve", "--db", db, "--port", "0", "--json"],
                 stdout=subprocess.PIPE, stderr=log)
    info = first_line(proc, "mwauth provider serve", log_path)
    base, rest = info["base"].rstrip("/"), info["rest"]
    discovery = base + "/.well-known/openid-configuration"
    if http(discovery)[0] != 200:
        discovery = base + "/.well-known/oauth-authorization-server"
    return proc, rest + "/oauth2/access_token", rest + "/oauth2/jwks", discovery


def start_node(node_dir, alg, client_id, secret, workdir):
    log_path = os.path.join(workdir, f"node-{alg}.log")
    log = open(log_path, "ab")
    env = dict(os.environ, BENCH_ALG=alg, BENCH_CLIENT_ID=client_id, BENCH_CLIENT_SECRET=secret,
               BENCH_PORT="0", NODE_ENV="production")
    proc = spawn(["node", os.path.join(node_dir, "server.mjs")], cwd=node_dir, env=env,
                 stdout=subprocess.PIPE, stderr=log)
    port = first_line(proc, "node oidc-provider", log_path)["port"]
    base = f"http://127.0.0.1:{port}"
    return Server("node", proc, base + "/token", base + "/jwks",
                  base + "/.well-known/openid-configuration", client_id, secret)


def wrk(url, options, method="GET", body="", auth="", seconds=None):
    seconds = seconds or options.duration
    out = run(["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds}s",
               "--timeout", "5s", "-s", LOAD_LUA, url, "--", method, body, auth])
    match = re.search(r"^BENCH_RESULT (\{.*\})$", out, re.M)
    if not match:
        raise BenchError(f"wrk printed no result for {url}:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect_errors", "read_errors", "write_errors",
                                               "timeouts", "status_errors"))
    return result


def measure(server, target, options):
    if target.startswith("token"):
        args = dict(method="POST", body="grant_type=client_credentials", auth=server.basic)
        url = server.token_url
    else:
        args = {}
        url = server.jwks_url if target == "jwks" else server.discovery_url
    if options.warmup > 0:
        wrk(url, options, seconds=options.warmup, **args)
    result = wrk(url, options, **args)
    print(f"  {target:<16} {server.name:<5} {result['rps']:>10.0f} req/s  p50 {result['p50_us'] / 1000:7.2f} ms"
          f"  p99 {result['p99_us'] / 1000:7.2f} ms  errors {result['errors']}", flush=True)
    if result["errors"] or result["requests"] == 0:
        raise BenchError(f"{server.name} {target}: {result['errors']} errors in {result['requests']} requests "
                         f"({json.dumps(result)})")
    return result


def openssl_rsa_signs(seconds):
    out = run(["openssl", "speed", "-seconds", str(seconds), "-multi", "2", "rsa2048"])
    rows = re.findall(r"^rsa\s+2048 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out, re.M)
    if not rows:
        raise BenchError(f"openssl speed printed no rsa 2048 line:\n{out}")
    return float(rows[-1][0])


def provision(mwauth, db):
    """A confidential client_credentials client on a new database; returns (id, secret)."""
    subprocess.run([mwauth, "provider", "user", "add", "BenchOwner", "--password-stdin", "--db", db],
                   input="bench-owner-password\n", capture_output=True, text=True, check=True,
                   preexec_fn=_die_with_parent)
    client = json.loads(run([mwauth, "provider", "client", "add", "--name", "Bench", "--owner", "BenchOwner",
                             "--owner-only", "--grant-type", "client_credentials", "--db", db, "--json"]))
    return client["client_id"], client["client_secret"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mwauth", required=True, help="the mwauth command line tool")
    parser.add_argument("--node-dir", default=NODE_DIR_DEFAULT, help="bench/node (after npm ci)")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "10")),
                        help="seconds of load per target and server (default 10, env BENCH_DURATION)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement")
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "32")))
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--openssl-seconds", type=int, default=3)
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", help="also write every figure to this file")
    options = parser.parse_args()

    for tool, package in (("wrk", "Debian package wrk"), ("node", "Node.js >= 20"), ("openssl", "openssl")):
        if not shutil.which(tool):
            raise BenchError(f"{tool} is not installed ({package})")
    options.node_dir = os.path.abspath(options.node_dir)  # node runs with it as its cwd
    if not os.path.isdir(os.path.join(options.node_dir, "node_modules", "oidc-provider")):
        raise BenchError(f"oidc-provider is not installed: run npm ci --prefix {options.node_dir}")
    mwauth = os.path.abspath(options.mwauth)

    with tempfile.TemporaryDirectory(prefix="mwauth-bench-") as workdir:
        db = os.path.join(workdir, "provider.sqlite")
        client_id, secret = provision(mwauth, db)
        results = {}

        print(f"openssl speed -seconds {options.openssl_seconds} -multi 2 rsa2048 ...", flush=True)
        results["openssl_rsa2048_signs_2core"] = openssl_rsa_signs(options.openssl_seconds)

        for alg in ("RS256", "ES256"):
            if alg == "ES256":  # our provider changes algorithm as an admin would
                run([mwauth, "provider", "keys", "generate", "--alg", "ES256", "--db", db])
                run([mwauth, "provider", "keys", "rotate", "--db", db])
            proc, token_url, jwks_url, discovery_url = start_ours(mwauth, db, workdir)
            ours = Server("ours", proc, token_url, jwks_url, discovery_url, client_id, secret)
            node = start_node(options.node_dir, alg, client_id, secret, workdir)
            try:
                ours.check(mwauth, alg)
                node.check(mwauth, alg)
                targets = ["token " + alg] + (["jwks", "discovery"] if alg == "RS256" else [])
                print(f"{alg}: wrk -t{options.threads} -c{options.connections} -d{options.duration}s "
                      f"(+{options.warmup}s warm-up)", flush=True)
                for target in targets:
                    results[target] = {s.name: measure(s, target, options) for s in (node, ours)}
            finally:
                stop(node.proc)
                stop(ours.proc)

    print_table(results, options)
    verdicts = check_targets(results)
    if options.json:
        with open(options.json, "w", encoding="utf-8") as out:
            json.dump({"results": results, "targets": verdicts}, out, indent=2)
    if options.enforce and not all(v["pass"] for v in verdicts):
        return 1
    return 0


def print_table(results, options):
    print()
    print(f"RSA-2048 signatures/s, openssl speed -multi 2: {results['openssl_rsa2048_signs_2core']:.0f}")
    print(f"{'target':<16} {'server':<6} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'ours/node':>10}")
    for target in ("token RS256", "token ES256", "jwks", "discovery"):
        pair = results[target]
        for name in ("ours", "node"):
            r = pair[name]
            ratio = f"{pair['ours']['rps'] / pair['node']['rps']:.2f}x" if name == "ours" else ""
            print(f"{target:<16} {name:<6} {r['rps']:>10.0f} {r['p50_us'] / 1000:>8.2f} {r['p99_us'] / 1000:>8.2f}"
                  f" {ratio:>10}")


def check_targets(results):
    verdicts = []

    def verdict(name, value, goal, text):
        ok = value >= goal
        verdicts.append({"target": name, "value": value, "goal": goal, "pass": ok})
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {text}")

    def ratio(target):
        return results[target]["ours"]["rps"] / results[target]["node"]["rps"]

    print()
    verdict("RS256 tokens >= 2.5x node", ratio("token RS256"), 2.5, f"{ratio('token RS256'):.2f}x (goal 2.5x)")
    signs = results["openssl_rsa2048_signs_2core"]
    share = results["token RS256"]["ours"]["rps"] / signs
    verdict("RS256 tokens >= 70% of openssl 2-core RSA-2048 signs/s", share, 0.70,
            f"{results['token RS256']['ours']['rps']:.0f} of {signs:.0f} = {share:.0%} (goal 70%)")
    for target, goal in (("token ES256", 3.0), ("jwks", 3.0), ("discovery", 3.0)):
        verdict(f"{target} >= {goal:g}x node", ratio(target), goal, f"{ratio(target):.2f}x (goal {goal:g}x)")
    for target in ("token RS256", "token ES256", "jwks", "discovery"):
        ours, node = results[target]["ours"]["p99_us"], results[target]["node"]["p99_us"]
        # value: how many times lower ours is; the goal is "lower", i.e. above 1.
        factor = node / ours if ours else float("inf")
        ok = ours < node
        verdicts.append({"target": f"{target} p99 below node's", "value": factor, "goal": 1.0, "pass": ok})
        print(f"{'PASS' if ok else 'FAIL'}  {target} p99 below node's: {ours / 1000:.2f} ms vs {node / 1000:.2f} ms")
    passed = sum(v["pass"] for v in verdicts)
    print(f"\ntargets: {passed} passed, {len(verdicts) - passed} failed")
    return verdicts


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        sys.exit(main())
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"bench/provider_token: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        stop_all()
