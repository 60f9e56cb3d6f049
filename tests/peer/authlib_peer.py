#!/usr/bin/python3
"""Peer for TestAuthlibPeer: python3-authlib's OAuth 2 client against the local provider.

A conversation of JSON lines. The test writes one line, the configuration:

  {"token_url": ".../rest.php/oauth2/access_token",
   "authorize_url": ".../rest.php/oauth2/authorize",
   "profile_url": ".../rest.php/oauth2/resource/profile",
   "jwks_url": ".../rest.php/oauth2/jwks",
   "issuer": "http://127.0.0.1:<port>",
   "machine": {"client_id": ..., "client_secret": ...},        client_credentials
   "web": {"client_id": ..., "client_secret": ..., "redirect_uri": ...},
   "public": {"client_id": ..., "redirect_uri": ...},           optional
   "user": {"name": ..., "password": ...},
   "scope": "basic editpage",
   "steps": ["client_credentials", "authorization_code", ...]}

The peer answers with one line per step, in the order asked:

  {"step": "<name>", "ok": true, ...what it observed...}
  {"step": "<name>", "ok": false, "error": "<what went wrong>", ...}

and a last line {"done": true}. A step that needs an earlier one's result fails with a
clear error when that one failed. Steps:

  versions             authlib's and requests' versions
  client_credentials   OAuth2Session.fetch_token(grant_type=client_credentials) with
                       client_secret_basic and with client_secret_post; the access token
                       verified through the JWKS (authlib.jose); a wrong secret refused
  authorization_code   authorization code + PKCE S256 for the confidential client: the
                       "browser" (a requests.Session) follows the redirects, logs in on
                       Special:UserLogin and accepts on Special:OAuth/approve, as a person
                       would; then fetch_token(authorization_response=...) (state checked by
                       authlib) and the token verified through the JWKS
  profile              GET resource/profile with the code flow's access token
  refresh              refresh_token grant: a new refresh token and access token; the new
                       refresh token works again; the old refresh token is refused; the
                       access token replaced by the first refresh is refused by profile
  code_reuse           the code of authorization_code offered again: refused, and the
                       newest access and refresh tokens issued from it are revoked
  public_pkce          the same code flow for a public client (no secret, PKCE only)

Exit status 0 when the conversation ran (whatever the steps found); 2 when a module is
missing or the configuration is unreadable.
"""

import html.parser
import json
import os
import sys
import urllib.parse

try:
    import authlib
    import requests
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session, OAuthError
    from authlib.jose import JsonWebKey, jwt
    from authlib.jose.errors import JoseError
except ImportError as error:  # the C++ test turns this into a clear failure
    sys.stderr.write("authlib_peer: %s (install python3-authlib)\n" % error)
    sys.exit(2)

# Every URL is on 127.0.0.1: authlib refuses plain http elsewhere.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"

TIMEOUT = 30  # seconds, per HTTP request


class StepFailed(Exception):
    """A step found something wrong; the message says what."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


def emit(message):
    sys.stdout.write(json.dumps(message, sort_keys=True) + "\n")
    sys.stdout.flush()


class Forms(html.parser.HTMLParser):
    """The forms of an HTML page: id, action, method, fields and submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "form":
            self.forms.append({"id": attrs.get("id", ""), "action": attrs.get("action", ""),
                               "method": attrs.get("method", "get").lower(),
                               "fields": [], "buttons": []})
        elif tag in ("input", "button") and self.forms:
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            name = attrs.get("name")
            if not name:
                return
            value = attrs.get("value", "")
            form = self.forms[-1]
            if kind in ("submit", "image"):
                form["buttons"].append((name, value))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((name, value or "on"))
            else:
                form["fields"].append((name, value))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


class Browser:
    """What a person's browser does with the provider's pages: follows redirects, fills in
    the login form and presses "Allow" on the consent form, until the provider redirects to
    the client's redirect_uri (which is never fetched)."""

    MAX_HOPS = 25

    def __init__(self, user):
        self.user = user
        self.session = requests.Session()
        self.pages = []  # what was seen: "GET <path> -> 302" and form names

    def authorize(self, url, redirect_uri):
        method, data = "GET", None
        for _ in range(self.MAX_HOPS):
            response = self.session.request(method, url, data=data, allow_redirects=False,
                                            timeout=TIMEOUT)
            self.pages.append("%s %s -> %d" % (method, self._short(url), response.status_code))
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                target = urllib.parse.urljoin(url, response.headers["Location"])
                if target.startswith(redirect_uri):
                    return target
                if response.status_code in (307, 308) and method == "POST":
                    raise StepFailed("a POST was redirected with 307/308 to %s" % self._short(target))
                method, data, url = "GET", None, target
                continue
            if response.status_code != 200:
                raise StepFailed("the provider answered %d at %s: %s"
                                 % (response.status_code, self._short(url), response.text[:300]),
                                 pages=self.pages)
            forms = Forms()
            forms.feed(response.text)
            method, url, data = self._submit(url, forms)
        raise StepFailed("no redirect to the redirect_uri after %d requests" % self.MAX_HOPS)

    def _submit(self, url, forms):
        for form in forms.forms:
            names = [name for name, _ in form["fields"]]
            if "wpName" in names and "wpPassword" in names:
                self.pages.append("login form")
                fields = [(n, v) for n, v in form["fields"] if n not in ("wpName", "wpPassword")]
                fields += [("wpName", self.user["name"]), ("wpPassword", self.user["password"])]
                fields += form["buttons"][:1]
                return form["method"].upper(), urllib.parse.urljoin(url, form["action"]), fields
            if form["id"] == "mw-mwoauth-authorize-form":
                self.pages.append("consent form")
                accept = [(n, v) for n, v in form["buttons"] if n == "accept"]
                if not accept:
                    raise StepFailed("the consent form has no 'accept' button: %r" % form["buttons"])
                return form["method"].upper(), urllib.parse.urljoin(url, form["action"]), \
                    form["fields"] + accept
        raise StepFailed("a page with neither the login nor the consent form at %s (title %r)"
                         % (self._short(url), forms.title.strip()))

    @staticmethod
    def _short(url):
        parts = urllib.parse.urlsplit(url)
        title = dict(urllib.parse.parse_qsl(parts.query)).get("title")
        return parts.path + ("?title=" + title if title else "?" + parts.query[:30] if parts.query else "")


class Peer:
    def __init__(self, config):
        self.config = config
        self.results = {}
        self.recorded = []  # (status, body) of every response of the OAuth sessions

    # The last response an OAuth2Session received (authlib keeps only error and description).
    def _record(self, response, *args, **kwargs):
        self.recorded.append((response.status_code, response.text))
        return response

    def session(self, client, **kwargs):
        oauth = OAuth2Session(client["client_id"], client.get("client_secret"), **kwargs)
        oauth.hooks["response"].append(self._record)
        return oauth

    def jwks(self):
        response = requests.get(self.config["jwks_url"], timeout=TIMEOUT)
        response.raise_for_status()
        return JsonWebKey.import_key_set(response.json())

    def verify(self, token, audience):
        """The access token's claims, verified through the JWKS by authlib.jose."""
        try:
            claims = jwt.decode(token, self.jwks(), claims_options={
                "iss": {"essential": True, "value": self.config["issuer"]},
                "aud": {"essential": True, "value": audience},
                "exp": {"essential": True}})
            claims.validate()
        except JoseError as error:
            raise StepFailed("authlib.jose does not accept the access token: %s" % error)
        return dict(claims), dict(claims.header)

    def raw_fields(self):
        """The members of the last token response as the provider sent them (authlib's token
        dict adds expires_at)."""
        if not self.recorded:
            raise StepFailed("no token response was recorded")
        return sorted(json.loads(self.recorded[-1][1]).keys())

    def refused(self, call):
        """Runs `call`, which must be refused with an OAuth error; returns what was seen."""
        before = len(self.recorded)
        try:
            call()
        except OAuthError as error:
            seen = {"error": error.error, "description": error.description}
            if len(self.recorded) > before:
                status, body = self.recorded[-1]
                seen["status"] = status
                try:
                    seen["body"] = json.loads(body)
                except ValueError:
                    seen["body"] = body
            return seen
        raise StepFailed("authlib got a token where the provider should have refused")

    def require(self, step):
        if not self.results.get(step, {}).get("ok"):
            raise StepFailed("needs step %r, which did not succeed" % step)
        return self.results[step]

    # --- steps ---

    def step_versions(self):
        return {"authlib": authlib.__version__, "requests": requests.__version__}

    def step_client_credentials(self):
        machine = self.config["machine"]
        found = {}
        for method in ("client_secret_basic", "client_secret_post"):
            oauth = self.session(machine, scope=self.config["scope"], token_endpoint_auth_method=method)
            token = oauth.fetch_token(self.config["token_url"], grant_type="client_credentials")
            fields = self.raw_fields()
            claims, header = self.verify(token["access_token"], machine["client_id"])
            found[method] = {"fields": fields, "token_type": token.get("token_type"),
                             "expires_in": token.get("expires_in"), "claims": claims, "kid": header.get("kid"),
                             "alg": header.get("alg")}
        wrong = dict(machine, client_secret="not-the-secret")
        found["wrong_secret"] = self.refused(lambda: self.session(wrong).fetch_token(
            self.config["token_url"], grant_type="client_credentials"))
        return found

    def code_flow(self, client, auth_method):
        """Runs the authorization code flow with PKCE S256; returns (session, token, details)."""
        oauth = self.session(client, scope=self.config["scope"], redirect_uri=client["redirect_uri"],
                             code_challenge_method="S256", token_endpoint_auth_method=auth_method)
        verifier = generate_token(64)
        url, state = oauth.create_authorization_url(self.config["authorize_url"], code_verifier=verifier)
        browser = Browser(self.config["user"])
        callback = browser.authorize(url, client["redirect_uri"])
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))
        if "error" in query:
            raise StepFailed("the provider redirected with an error: %s" % query, pages=browser.pages)
        token = oauth.fetch_token(self.config["token_url"], authorization_response=callback,
                                  code_verifier=verifier)
        fields = self.raw_fields()
        claims, header = self.verify(token["access_token"], client["client_id"])
        details = {"pages": browser.pages, "state_sent": state, "state_returned": query.get("state"),
                   "fields": fields, "token_type": token.get("token_type"),
                   "expires_in": token.get("expires_in"), "claims": claims, "alg": header.get("alg"),
                   "challenge_sent": dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
                   .get("code_challenge_method")}
        return oauth, token, dict(details, code=query.get("code"), verifier=verifier)

    def step_authorization_code(self):
        oauth, token, details = self.code_flow(self.config["web"], "client_secret_post")
        self.web = (oauth, token, details)
        return {k: v for k, v in details.items() if k not in ("code", "verifier")}

    def step_profile(self):
        self.require("authorization_code")
        oauth, _, _ = self.web
        response = oauth.get(self.config["profile_url"], timeout=TIMEOUT)
        if response.status_code != 200:
            raise StepFailed("profile answered %d: %s" % (response.status_code, response.text[:300]))
        return {"profile": response.json()}

    def step_refresh(self):
        self.require("authorization_code")
        oauth, first, _ = self.web
        if "refresh_token" not in first:
            raise StepFailed("the code flow's token response has no refresh_token: %s" % sorted(first))
        second = oauth.refresh_token(self.config["token_url"], refresh_token=first["refresh_token"])
        fields = self.raw_fields()
        claims, _ = self.verify(second["access_token"], self.config["web"]["client_id"])
        third = oauth.refresh_token(self.config["token_url"], refresh_token=second["refresh_token"])
        self.latest = third
        reuse = self.refused(lambda: oauth.refresh_token(self.config["token_url"],
                                                         refresh_token=first["refresh_token"]))
        old_access = requests.get(self.config["profile_url"], timeout=TIMEOUT,
                                  headers={"Authorization": "Bearer " + first["access_token"]})
        current = requests.get(self.config["profile_url"], timeout=TIMEOUT,
                               headers={"Authorization": "Bearer " + third["access_token"]})
        return {"fields": fields, "claims": claims,
                "rotated": second["refresh_token"] != first["refresh_token"],
                "new_access_token": second["access_token"] != first["access_token"],
                "second_refresh_worked": bool(third.get("access_token")),
                "reuse": reuse,
                "old_access_token_status": old_access.status_code,
                "current_access_token_status": current.status_code,
                "current_profile": current.json() if current.status_code == 200 else current.text[:300]}

    def step_code_reuse(self):
        self.require("authorization_code")
        oauth, token, details = self.web
        latest = getattr(self, "latest", token)  # the newest tokens of this code's family
        reuse = self.refused(lambda: oauth.fetch_token(
            self.config["token_url"], grant_type="authorization_code", code=details["code"],
            code_verifier=details["verifier"]))
        # RFC 6749 section 4.1.2: the tokens issued from a reused code are revoked.
        access = requests.get(self.config["profile_url"], timeout=TIMEOUT,
                              headers={"Authorization": "Bearer " + latest["access_token"]})
        refresh = self.refused(lambda: oauth.refresh_token(self.config["token_url"],
                                                           refresh_token=latest["refresh_token"]))
        return {"reuse": reuse, "family_access_token_status": access.status_code,
                "family_refresh": refresh}

    def step_public_pkce(self):
        oauth, token, details = self.code_flow(self.config["public"], "none")
        response = oauth.get(self.config["profile_url"], timeout=TIMEOUT)
        details = {k: v for k, v in details.items() if k not in ("code", "verifier")}
        details["profile_status"] = response.status_code
        details["profile"] = response.json() if response.status_code == 200 else response.text[:300]
        return details

    def run(self):
        for step in self.config["steps"]:
            action = getattr(self, "step_" + step, None)
            try:
                if action is None:
                    raise StepFailed("unknown step")
                result = {"ok": True}
                result.update(action())
            except StepFailed as failure:
                result = {"ok": False, "error": str(failure)}
                result.update(failure.details)
            except OAuthError as error:
                result = {"ok": False, "error": "OAuth error %s: %s" % (error.error, error.description)}
                if self.recorded:
                    result["last_response"] = {"status": self.recorded[-1][0], "body": self.recorded[-1][1][:500]}
            except (requests.RequestException, ValueError, KeyError) as error:
                result = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
            result["step"] = step
            self.results[step] = result
            emit(result)
        emit({"done": True})


def main():
    line = sys.stdin.readline()
    try:
        config = json.loads(line)
    except ValueError as error:
        sys.stderr.write("authlib_peer: the configuration line is not JSON: %s\n" % error)
        return 2
    Peer(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
