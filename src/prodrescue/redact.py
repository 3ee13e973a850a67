"""Secret values removed from text that goes into a report.

Rules and mining read the original log text. Reports quote evidence lines and
are pasted into chat channels and tickets, so every string that a report shows
passes through :func:`redact` first. Only the secret value is replaced by
:data:`REDACTED`. The key, the URL, the header name and the token type stay,
so that the line still explains the incident::

    postgres://app:[REDACTED]@db-1:5432/orders
    Authorization: Bearer [REDACTED]
    "api_key": "[REDACTED]"
    ghp_[REDACTED]

What is redacted:

- the password of a URL (``scheme://user:password@host``, also an empty user
  as in ``redis://:password@host``) and of an Oracle JDBC URL
  (``jdbc:oracle:thin:user/password@host``);
- the credentials of ``Authorization`` and ``Proxy-Authorization`` headers of
  any scheme (for Digest only the ``response`` hash), also in Go's header
  maps (``Authorization:[Bearer ...]``), and a bare ``Bearer <token>``;
- the secret path segment of Slack webhook URLs;
- password, secret and token fields of structs as Go prints them
  (``{User:app Password:...}``);
- values of keys that name a password, secret or token, written as ``key=value``,
  ``key: value``, ``"key": "value"``, ``key => value``, in query strings,
  connection strings (``Password=...;``), cookies and JSON nested in JSON
  strings. Password keys: ``password``, ``passwd``, ``passphrase``, ``pwd``,
  ``pass`` (as ``DB_PASS``). Secret keys: ``secret``, ``client_secret``,
  ``aws_secret_access_key``, ``SecretAccessKey``, ``api_key``, ``apikey``, ``x-api-key``,
  ``private_key``, ``encryption_key``, ``signing_key``, ``master_key``. Token
  keys: ``token``, ``access_token``, ``refresh_token``, ``x-auth-token``,
  session ids and session cookies (``session_id``, ``JSESSIONID``,
  ``PHPSESSID``, ``session``), ``signature`` and ``sig`` (presigned and SAS
  URLs). Any prefix is allowed (``DB_PASSWORD``, ``spring.datasource.password``,
  ``keyStorePassword``);
- Kubernetes environment variables given as a name and a value
  (``{"name": "DB_PASSWORD", "value": "..."}``, Go's
  ``{Name:DB_PASSWORD Value:...}``, and the YAML form when its ``name:`` and
  ``value:`` lines are in the same text);
- the body of a private key block (``-----BEGIN ... PRIVATE KEY-----``), also
  when the END line is missing, as long as the BEGIN line is in the same text;
- JWTs anywhere, and tokens of a known shape: AWS access key ids (``AKIA``,
  ``ASIA``), GitHub (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``,
  ``github_pat_``), Slack (``xoxb-`` and the other ``xox?-``), Stripe
  (``sk_live_``, ``rk_live_`` and the ``_test_`` keys) and Google API keys
  (``AIza``). The prefix stays, because it shows the reader which credential
  was involved.

What stays, because it is evidence and not a secret:

- user names, hosts, ports, paths and URLs without a password;
- values that are not secrets: empty values, masks (``***``, ``[hidden]``,
  ``<set to the key 'password' in secret 'db'>``), template references
  (``${DB_PASSWORD}``), ``null``, ``true``, ``yes`` and ``no`` (as in MySQL's
  ``using password: YES``);
- under token, session and signature keys also numbers (``max_token=4096``)
  and short lower-case words (``token=expired``), which report counts and
  states. Under password and secret keys every other value is redacted,
  because a password may be a number or a word;
- ``PWD`` and ``OLDPWD`` values that are paths, as in environment dumps;
- keys that are not credentials: ``tokens``, ``max_tokens``, ``key``,
  ``cache_key``, ``secret_name``, and cache keys such as ``session:9f8e``,
  because ``key:value`` without a space after the colon is read as one word;
- hashes, UUIDs and commit ids, which no pattern matches.
"""

from __future__ import annotations

__all__ = ["REDACTED", "Redactor", "redact"]

from collections.abc import Callable

import regex

REDACTED = "[REDACTED]"
"""The marker that replaces each secret value."""

# The patterns are written so that a long line cannot make them backtrack
# catastrophically. A repeated class at the start of a pattern sits behind a
# lookbehind, so that a run of word characters is scanned from its first
# character only. Repetitions are possessive (``*+``, ``++``) wherever
# backtracking could not find another match. tests/test_redact.py times
# adversarial 64 KiB lines.

# The value after a key, as one of: a JSON string inside a JSON string
# (\"...\"), a double-quoted or single-quoted string, an ODBC value in braces
# ({p;ss}), a bracketed mask such as [hidden] or <set to the key ...>, or a
# bare word. A bare word ends at the separators of query strings, connection
# strings and Java's toString(), and never starts a JSON object or array.
_VALUE = r"""
    (?:
        \\"(?P<value>(?:[^"\\\r\n]|\\\\)*+)\\"
      | "(?P<value>(?:[^"\\\r\n]|\\.)*+)"
      | '(?P<value>[^'\r\n]*+)'
      | (?P<value>\{[^}"\r\n]*+\})
      | (?P<value>\[[^\]\s]*+\]|<[^>\r\n]*+>)
      | (?P<value>[^\s"'&;,)}\]{\[\\][^\s"'&;,)}\]\\]*+)
    )
"""

# Endings of keys whose every value is a secret. Any prefix is allowed, except
# that "pass" must start the key or follow a separator (DB_PASS, not bypass).
_SECRET_KEY_END = r"""
    password | passwd | passphrase | pwd | secret
  | secret[_.-]?(?:access[_.-]?)?key
  | (?:api|private|encryption|signing|master)[_.-]?key
  | (?<![a-z0-9])pass
"""
# Endings of keys whose value is a secret unless it is a number or a status word.
_TOKEN_KEY_END = r"""
    token | session[_.-]?id | sessid | signature
  | (?<![a-z0-9])(?:session|sig)
"""
# The whole key is read first and its ending checked after it, so that each
# word of the text is scanned once whatever the number of key endings.
_KEY = rf"(?P<key>[\w.-]++)(?<=(?:{_SECRET_KEY_END}|{_TOKEN_KEY_END}))"
_QUOTE = r"""(?:\\?["'])?"""

# NOTE: body lines logged as separate events, without the BEGIN line, look
# like any base64 text and stay unredacted.
_PRIVATE_KEY_BLOCK = regex.compile(
    r"""
    (?P<begin>-----BEGIN[ ](?:[A-Z0-9]++[ ])*PRIVATE[ ]KEY(?:[ ]BLOCK)?-----)
    # base64 lines, PEM headers (Proc-Type: 4,ENCRYPTED) and \n escapes
    (?P<value>(?:[A-Za-z0-9+/=\s\\:,]|-(?!----))*+)
    (?P<end>-----END[ ](?:[A-Z0-9]++[ ])*PRIVATE[ ]KEY(?:[ ]BLOCK)?-----)?
    """,
    regex.VERBOSE,
)

# The password ends at the last @ before the path, as Python's urllib.parse
# reads it, so that an unescaped @ in a password does not leak its tail.
_URL_PASSWORD = regex.compile(r"""://[^\s:/?#@"'<>]*+:(?P<value>[^\s/?#"'<>]*)@""")
_ORACLE_PASSWORD = regex.compile(
    r"""jdbc:oracle:\w++:[^\s/@:"']++/(?P<value>[^\s@"']*+)@""", regex.IGNORECASE
)

# A scheme ("Bearer x") is read only after a colon, a quote or the bracket of
# Go's header map (Authorization:[Bearer x]), because an unquoted logfmt value
# ("authorization=x status=401") ends at the space.
_AUTHORIZATION = regex.compile(
    rf"""
    (?<![\w-]){_QUOTE}(?:proxy-)?authorization{_QUOTE}
    [ \t]*+[:=][ \t]*+{_QUOTE}(?:\[(?!REDACTED\]))?+
    (?:(?<=[:"'\[][ \t]*+)(?P<scheme>[A-Za-z][A-Za-z0-9-]{{0,29}}+)[ \t]++)?
    (?P<value>[^\s"'\\,;\]]++)
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
# Digest authentication sends a hash of the password as "response"; the other
# fields (user name, realm, nonce) are not secrets and stay.
_DIGEST_RESPONSE = regex.compile(
    r"""(?<![\w-])response=(?P<quote>"?)(?P<value>[0-9a-fA-F]{32,128}+)(?P=quote)"""
)
# A Slack incoming webhook URL carries its secret in the last path segment.
_SLACK_WEBHOOK = regex.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?:[A-Za-z0-9]++/){1,2}(?P<value>[A-Za-z0-9]{16,}+)"
)
# Go prints structs as {Host:db Password:hunter2}: a capitalised field name, a
# colon without a space, and the value up to the next space or brace.
_GO_STRUCT_FIELD = regex.compile(
    r"""(?<=[{ ,])(?P<key>(?:[A-Z][A-Za-z0-9]*+)?(?:Password|Passwd|Secret|SecretKey|APIKey|ApiKey|Token))
    :(?P<value>[^\s}\]{]++)""",
    regex.VERBOSE,
)
_AUTH_SCHEMES = frozenset({"basic", "bearer", "digest", "negotiate", "ntlm", "token"})

# A bare "Bearer <token>" outside a header. The token needs 16 characters and
# a digit, so that prose such as "Bearer authentication_required" stays.
_BEARER = regex.compile(
    r"(?<![\w-])bearer[ \t]++(?=[A-Za-z._~+/-]*+[0-9])(?P<value>[A-Za-z0-9._~+/-]{16,}+=*+)",
    regex.IGNORECASE,
)

# key=value, key = value, key: value, "key": "value", key => value. A colon
# needs a space after it unless the key is quoted, so that "session:9f8e"
# stays a cache key. An equals sign takes spaces after it only when spaces
# precede it, so that "password= user=app" does not redact "user=app".
# NOTE: prose such as "invalid password: must be 8 characters" loses the word
# after the colon, because it reads like a YAML "password: value" line.
_KEY_VALUE = regex.compile(
    rf"""
    (?P<quote>\\?["']|(?<![\w.-])){_KEY}(?P=quote)
    (?:[ \t]++=>?[ \t]*+|=>?|:[ \t]++|(?<=["']):[ \t]*+)
    {_VALUE}
    """,
    regex.IGNORECASE | regex.VERBOSE,
)

# A Kubernetes EnvVar: the secret's name is in "name" and its value in "value".
# NOTE: a YAML "value:" line logged without its "name:" line stays unredacted.
_ENV_VAR = regex.compile(
    rf"""
    (?P<name_quote>\\?["']|(?<![\w.-]))name(?P=name_quote)[ \t]*+[:=][ \t]*+
    (?P<quote>\\?["']|){_KEY}(?P=quote)
    (?:[ \t]*+,[ \t]*+|\s++)
    (?P<value_quote>\\?["']|)value(?P=value_quote)[ \t]*+[:=][ \t]*+
    (?!valuefrom\b)  # Go prints an empty value as "Value: ValueFrom:&EnvVarSource{...}"
    {_VALUE}
    """,
    regex.IGNORECASE | regex.VERBOSE,
)

_TOKEN_SHAPE = regex.compile(
    r"""
    (?<![A-Za-z0-9_-])
    (?:
        (?P<prefix>gh[pousr]_)(?P<value>[A-Za-z0-9]{30,}+)
      | (?P<prefix>github_pat_)(?P<value>[A-Za-z0-9_]{22,}+)
      | (?P<prefix>xox[baprs]-)(?P<value>[A-Za-z0-9-]{10,}+)
      | (?P<prefix>[sr]k_(?:live|test)_)(?P<value>[A-Za-z0-9]{10,}+)
      | (?P<prefix>AIza)(?P<value>[A-Za-z0-9_-]{35})
      | (?P<prefix>A[KS]IA)(?P<value>[A-Z0-9]{16})
      | (?P<value>eyJ[A-Za-z0-9_-]++\.[A-Za-z0-9_-]++\.[A-Za-z0-9_-]*+(?:\.[A-Za-z0-9_-]++)*+)
    )
    (?![A-Za-z0-9_-])
    """,
    regex.VERBOSE,
)

_TOKEN_KEY_NAME = regex.compile(rf"(?:{_TOKEN_KEY_END})\Z", regex.IGNORECASE | regex.VERBOSE)
_PWD_KEY_NAME = regex.compile(r"(?:old)?pwd", regex.IGNORECASE)
_PLACEHOLDER = regex.compile(
    r"""
    \**+ | x{3,}+ | null | none | nil | undefined | true | false | yes | no
    | \[.*\] | <.*> | \$\{.* | \$\(.* | \{\{.* | %s | %\(\w++\)s
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
_COUNT_OR_STATUS = regex.compile(r"[0-9]++|[a-z]{1,12}+")
_PATH = regex.compile(r"~?/[^\s]*+")


class Redactor:
    """A redaction of many strings that counts the distinct secret values replaced in all of them.

    A report quotes one log line in several places (evidence, timeline), and
    states one total, so a secret is counted once however often it is quoted.
    """

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: set[str] = set()

    @property
    def replaced(self) -> int:
        """Number of distinct secret values replaced so far."""
        return len(self._values)

    def text(self, text: str) -> str:
        """Redact ``text`` as :func:`redact` does and remember the values replaced."""
        redacted, values = _redact(text)
        self._values.update(values)
        return redacted


def redact(text: str) -> tuple[str, int]:
    """Replace the secret values in ``text`` by :data:`REDACTED`.

    Returns the redacted text and the number of values replaced. The module
    docstring lists what is redacted and what stays. Redacting a redacted text
    changes nothing and returns a count of 0.
    """
    redacted, values = _redact(text)
    return redacted, len(values)


def _redact(text: str) -> tuple[str, list[str]]:
    """Redact ``text`` and return it with the secret values that were replaced."""
    values: list[str] = []
    for pattern, replacement_for in _PASSES:
        text = _substitute(pattern, replacement_for, text, values)
    return text, values


def _substitute(
    pattern: regex.Pattern[str],
    replacement_for: Callable[[regex.Match[str]], str | None],
    text: str,
    values: list[str],
) -> str:
    """Replace each match for which ``replacement_for`` returns a string; add its value to ``values``."""

    def replace(match: regex.Match[str]) -> str:
        replacement = replacement_for(match)
        if replacement is None:
            unchanged: str = match.group()
            return unchanged
        values.append(match.group("value"))
        return replacement

    redacted: str = pattern.sub(replace, text)
    return redacted


def _replace_value(match: regex.Match[str]) -> str:
    """Return the matched text with its ``value`` group replaced by the marker."""
    start = match.start("value") - match.start()
    end = match.end("value") - match.start()
    matched: str = match.group()
    return matched[:start] + REDACTED + matched[end:]


def _is_redactable(value: str) -> bool:
    """Return whether ``value`` is non-empty and contains no marker yet.

    A value that contains the marker is left whole, so that a second run does
    not redact the text around a marker that the first run left. The marker
    without its closing bracket counts too: values that end at a bracket
    (Go's header maps and structs) see it that way.
    """
    return bool(value) and REDACTED[:-1] not in value


def _private_key_body(match: regex.Match[str]) -> str | None:
    begin: str = match.group("begin")
    body: str = match.group("value")
    end: str = match.group("end") or ""
    if not _is_redactable(body.strip()):
        return None
    leading = body[: len(body) - len(body.lstrip())]
    trailing = body[len(body.rstrip()) :]
    return begin + leading + REDACTED + trailing + end


def _plain_value(match: regex.Match[str]) -> str | None:
    if not _is_redactable(match.group("value")):
        return None
    return _replace_value(match)


def _authorization(match: regex.Match[str]) -> str | None:
    value = match.group("value")
    if not _is_redactable(value):
        return None
    scheme = match.group("scheme")
    if scheme is None and (value.lower() in _AUTH_SCHEMES or _COUNT_OR_STATUS.fullmatch(value)):
        return None  # "Authorization: Basic" with nothing after it, or "authorization: denied"
    if scheme is not None and scheme.lower() == "digest":
        return None  # only the response hash is secret: see _DIGEST_RESPONSE
    return _replace_value(match)


def _keyed_value(match: regex.Match[str]) -> str | None:
    key, value = match.group("key"), match.group("value")
    if not _is_redactable(value) or _PLACEHOLDER.fullmatch(value):
        return None
    if _PWD_KEY_NAME.fullmatch(key) and _PATH.fullmatch(value):
        return None  # the shell's working directory in an environment dump
    if _TOKEN_KEY_NAME.search(key) and _COUNT_OR_STATUS.fullmatch(value):
        return None
    return _replace_value(match)


_PASSES: tuple[tuple[regex.Pattern[str], Callable[[regex.Match[str]], str | None]], ...] = (
    # Wider patterns run first, so that a value is replaced whole (a private
    # key body, a URL's password, a header's credentials) before a narrower
    # pattern could replace a piece of it.
    (_PRIVATE_KEY_BLOCK, _private_key_body),
    (_URL_PASSWORD, _plain_value),
    (_ORACLE_PASSWORD, _plain_value),
    (_SLACK_WEBHOOK, _plain_value),
    (_DIGEST_RESPONSE, _plain_value),
    (_AUTHORIZATION, _authorization),
    (_BEARER, _plain_value),
    (_GO_STRUCT_FIELD, _keyed_value),
    (_ENV_VAR, _keyed_value),
    (_KEY_VALUE, _keyed_value),
    (_TOKEN_SHAPE, _plain_value),
)
