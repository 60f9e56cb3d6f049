#!/usr/bin/python3
"""Peer for TestMwoauthPeer: python3-mwoauth (MediaWiki's reference OAuth 1.0a client) and
python3-requests-oauthlib against the local provider's Special:OAuth, unmodified.

A conversation of JSON lines (see tests/core/provider/oauth2/PeerConversation.h). The test
writes one line, the configuration:

  {"index_url": "http://127.0.0.1:<port>/w/index.php",
   "api_url": "http://127.0.0.1:<port>/w/api.php",
   "user": {"name": ..., "password": ...},
   "hmac": {"key": ..., "secret": ..., "callback": ...},           approved, HMAC-SHA1
   "rsa": {"key": ..., "secret": ..., "callback": ..., "rsa_key": PEM private key},
   "far": {"key": ..., "secret": ...},            restricted to addresses without 127.0.0.1
   "owner_only": {"key": ..., "secret": ...},     owned by the user
   "proposed": {"key": ..., "secret": ..., "callback": ...}}   proposed by someone else

and reads one line per step, {"step": name, "ok": bool, ...}, then {"done": true}:

  versions  mwoauth's, requests-oauthlib's and oauthlib's versions
  hmac      mwoauth.initiate -> the browser logs in and allows (a requests.Session answering
            the login and consent forms) -> mwoauth.complete -> mwoauth.identify (which checks
            the JWT's HS256 signature, aud, iss host, iat and nonce itself), then api.php
            meta=userinfo signed by requests-oauthlib with the access token
  rsa       the same with RSA-SHA1 (requests-oauthlib; mwoauth has no RSA option), identify's
            JWT checked like mwoauth does (pyjwt, the consumer secret, HS256)
  errors    what MediaWiki answers: a wrong signature, an old timestamp, a reused nonce (on
            api.php), a reused request token, a wrong verifier, a callback that is not oob, a
            request from outside the consumer's IP ranges, an owner-only consumer on authorize,
            a proposed consumer used by someone who is not its owner
"""

import json
import os
import sys
import time
import urllib.parse

try:
    import jwt
    import mwoauth
    import oauthlib
    import requests
    import requests_oauthlib
    from mwoauth.functions import process_request_token
    from oauthlib.oauth1 import SIGNATURE_RSA
    from requests_oauthlib import OAuth1
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from authlib_peer import Browser, StepFailed, emit
except ImportError as error:
    sys.stderr.write("mwoauth_peer: %s (install python3-mwoauth, python3-requests-oauthlib, "
                     "python3-authlib)\n" % error)
    sys.exit(2)

TIMEOUT = 30


class Peer:
    def __init__(self, config):
        self.config = config
        self.index = config["index_url"]
        self.hmac_access = None

    def page(self, subpage):
        return self.index + "?title=Special:OAuth/" + subpage

    def browser_allow(self, url, callback):
        browser = Browser(self.config["user"])
        target = browser.authorize(url, callback)
        return urllib.parse.urlsplit(target).query, browser.pages

    def api_userinfo(self, auth):
        response = requests.get(self.config["api_url"], auth=auth, timeout=TIMEOUT,
                                params={"action": "query", "meta": "userinfo", "uiprop": "rights",
                                        "format": "json", "formatversion": "2"})
        return response

    def step_versions(self):
        return {"mwoauth": getattr(mwoauth, "__version__", "?"),
                "requests_oauthlib": requests_oauthlib.__version__,
                "oauthlib": oauthlib.__version__}

    def step_hmac(self):
        c = self.config["hmac"]
        consumer = mwoauth.ConsumerToken(c["key"], c["secret"])
        redirect, request_token = mwoauth.initiate(self.index, consumer)
        query, pages = self.browser_allow(redirect, c["callback"])
        access = mwoauth.complete(self.index, consumer, request_token, query)
        identity = mwoauth.identify(self.index, consumer, access)
        self.hmac_access = access
        info = self.api_userinfo(OAuth1(c["key"], c["secret"], access.key, access.secret)).json()
        return {"pages": pages, "identity": identity, "request_token": request_token.key,
                "access_token": access.key, "userinfo": info.get("query", {}).get("userinfo", info)}

    def step_rsa(self):
        c = self.config["rsa"]
        rsa = dict(signature_method=SIGNATURE_RSA, rsa_key=c["rsa_key"])
        r = requests.post(self.page("initiate"), auth=OAuth1(c["key"], callback_uri="oob", **rsa),
                          timeout=TIMEOUT)
        request_token = process_request_token(r.text)
        url = self.page("authorize") + "&" + urllib.parse.urlencode(
            {"oauth_token": request_token.key, "oauth_consumer_key": c["key"]})
        query, pages = self.browser_allow(url, c["callback"])
        verifier = urllib.parse.parse_qs(query)["oauth_verifier"][0]
        r = requests.post(self.page("token"), timeout=TIMEOUT,
                          auth=OAuth1(c["key"], resource_owner_key=request_token.key,
                                      resource_owner_secret=request_token.secret, verifier=verifier, **rsa))
        token = urllib.parse.parse_qs(r.text)
        if "oauth_token" not in token:
            raise StepFailed("token step: %s" % r.text[:300])
        access_key, access_secret = token["oauth_token"][0], token["oauth_token_secret"][0]
        auth = OAuth1(c["key"], resource_owner_key=access_key, **rsa)
        r = requests.post(self.page("identify"), auth=auth, timeout=TIMEOUT)
        identity = jwt.decode(r.content, c["secret"], audience=c["key"], algorithms=["HS256"], leeway=10)
        nonce = r.request.headers["Authorization"].decode().split('oauth_nonce="')[1].split('"')[0]
        info = self.api_userinfo(OAuth1(c["key"], resource_owner_key=access_key, **rsa)).json()
        return {"pages": pages, "identity": identity, "access_secret": access_secret,
                "nonce_matches": identity.get("nonce") == nonce,
                "userinfo": info.get("query", {}).get("userinfo", info)}

    def step_errors(self):
        if self.hmac_access is None:
            raise StepFailed("needs the hmac step")
        c = self.config["hmac"]
        access = self.hmac_access
        out = {}

        def api_error(auth):
            r = self.api_userinfo(auth)
            return {"header": r.headers.get("MediaWiki-API-Error"), "error": r.json().get("error", {})}

        out["wrong_signature"] = api_error(OAuth1(c["key"], "not-the-secret", access.key, access.secret))
        out["old_timestamp"] = api_error(OAuth1(c["key"], c["secret"], access.key, access.secret,
                                                timestamp=str(int(time.time()) - 1000)))
        nonce = "peer-nonce-%d" % int(time.time() * 1000)
        first = api_error(OAuth1(c["key"], c["secret"], access.key, access.secret, nonce=nonce))
        out["reused_nonce"] = {"first": first,
                               "second": api_error(OAuth1(c["key"], c["secret"], access.key, access.secret,
                                                          nonce=nonce))}
        # A request token: approved once, exchanged once, then again; a wrong verifier.
        consumer = mwoauth.ConsumerToken(c["key"], c["secret"])
        redirect, request_token = mwoauth.initiate(self.index, consumer)
        query, _ = self.browser_allow(redirect, c["callback"])
        verifier = urllib.parse.parse_qs(query)["oauth_verifier"][0]

        def token_call(verifier_value):
            auth = OAuth1(c["key"], c["secret"], request_token.key, request_token.secret,
                          verifier=verifier_value)
            return requests.post(self.page("token"), auth=auth, timeout=TIMEOUT).text

        out["wrong_verifier"] = token_call("0" * 32)
        out["first_exchange"] = token_call(verifier)[:40]
        out["reused_request_token"] = token_call(verifier)
        # A callback URL for a consumer registered without callback prefix.
        r = requests.post(self.index, params={"title": "Special:OAuth/initiate", "format": "json"},
                          auth=OAuth1(c["key"], c["secret"], callback_uri="https://elsewhere.example/cb"),
                          timeout=TIMEOUT)
        out["bad_callback"] = r.json()
        far = self.config["far"]
        r = requests.post(self.page("initiate"), auth=OAuth1(far["key"], far["secret"], callback_uri="oob"),
                          timeout=TIMEOUT)
        out["disallowed_ip"] = r.text
        owner_only = self.config["owner_only"]
        r = requests.post(self.page("initiate"),
                          auth=OAuth1(owner_only["key"], owner_only["secret"], callback_uri="oob"),
                          timeout=TIMEOUT)
        out["owner_only_initiate"] = r.text
        def refused_page(url, callback):
            """Logs in through the page (the login form comes first), then reads the page."""
            browser = Browser(self.config["user"])
            try:
                browser.authorize(url, callback)
                return "allowed"
            except StepFailed:
                return browser.session.get(url, timeout=TIMEOUT).text

        out["owner_only_authorize"] = refused_page(
            self.page("authorize") + "&oauth_token=" + "0" * 32 + "&oauth_consumer_key=" + owner_only["key"],
            "https://never.example/")
        proposed = self.config["proposed"]
        redirect, _ = mwoauth.initiate(self.index, mwoauth.ConsumerToken(proposed["key"], proposed["secret"]))
        out["proposed_authorize"] = refused_page(redirect, proposed["callback"])
        return out


def main():
    line = sys.stdin.readline()
    try:
        config = json.loads(line)
    except ValueError as error:
        sys.stderr.write("mwoauth_peer: unreadable configuration: %s\n" % error)
        sys.exit(2)
    peer = Peer(config)
    for name in ["versions", "hmac", "rsa", "errors"]:
        try:
            result = getattr(peer, "step_" + name)()
            emit(dict(result, step=name, ok=True))
        except StepFailed as failure:
            emit(dict(failure.details, step=name, ok=False, error=str(failure)))
        except Exception as error:  # a library exception is the step's finding
            emit({"step": name, "ok": False, "error": "%s: %s" % (type(error).__name__, error)})
    emit({"done": True})


if __name__ == "__main__":
    main()
