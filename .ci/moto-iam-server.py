#!/usr/bin/env python3
"""moto's server with IAM's wildcard rules in its policy evaluator.

moto (5.x) matches a policy's Action and Resource by turning "*" into the regular expression
".*" and using the rest as a regular expression unchanged: "?" then is a regex quantifier (a
pattern such as "findings/????/123/*" raises "multiple repeat" and the request fails) and "."
matches any character. IAM's rules are plain: "*" any run of characters, "?" exactly one, every
other character itself; actions case-insensitively. This launcher installs that matcher.

It also leaves signatures unverified: moto recomputes an S3 request's signature from a query
string it has decoded and encoded again, and rejects valid ones whose parameters hold a "/" (a
listing's prefix=aggregated/findings/0) with SignatureDoesNotMatch. The access key still names
the caller (an unknown one is refused), and authorization, which is what is checked here, is
evaluated as before. Then it starts the server as `python3 -m moto.server` would.
usage: moto-iam-server.py -H 127.0.0.1 -p PORT
"""
import re
import sys

from moto.iam import access_control
from moto.server import main


def iam_match(pattern, string):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE if re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*?]+", pattern) else 0
    return re.match(regex + r"\Z", string, flags)


access_control.IAMPolicyStatement._match = staticmethod(iam_match)
access_control.IAMRequestBase.check_signature = lambda self: None

if __name__ == "__main__":
    main(sys.argv[1:])
