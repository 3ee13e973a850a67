"""Secret redaction of report text: log lines from many stacks, near misses, counts, speed."""

from __future__ import annotations

import base64
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodrescue.redact import REDACTED, Redactor, redact


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _fake_jwt() -> str:
    header = _base64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _base64url(json.dumps({"sub": "user-42", "exp": 1700000000}).encode())
    return f"{header}.{payload}.{_base64url(b'not-a-real-signature')}"


# Fake credentials of the right shape. AWS documents the two AWS values as
# examples. The others are joined from parts so that no secret scanner
# mistakes this file for a leak.
JWT = _fake_jwt()
AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GITHUB_TOKEN = "ghp_" + "EXAMPLE0" * 4 + "x1y2"
GITHUB_PAT = "github_pat_" + "11EXAMPLE0" + "_example" * 3
SLACK_TOKEN = "xoxb-" + "000000000000-0000000000000-" + "EXAMPLEexampleEXAMPLE"
STRIPE_KEY = "sk_" + "live_" + "EXAMPLE" + "0" * 17
GOOGLE_KEY = "AIza" + "SyEXAMPLE-example_EXAMPLE-example01"
PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEAexampleEXAMPLEexample\nq8Jm2EXAMPLEexampleEXAMPLE+/=="


SECRET_LINES = [
    pytest.param(
        "2024-03-14 13:13:36.715 ERROR 1 --- [main] o.h.e.j.s.SqlExceptionHelper : "
        "Connecting to jdbc:postgresql://db-1:5432/orders?user=app&password=Winter2024! failed",
        "2024-03-14 13:13:36.715 ERROR 1 --- [main] o.h.e.j.s.SqlExceptionHelper : "
        "Connecting to jdbc:postgresql://db-1:5432/orders?user=app&password=[REDACTED] failed",
        id="java-jdbc-query",
    ),
    pytest.param(
        "INFO com.zaxxer.hikari.HikariConfig - jdbcUrl......jdbc:mysql://app:Winter2024!@db-1:3306/orders",
        "INFO com.zaxxer.hikari.HikariConfig - jdbcUrl......jdbc:mysql://app:[REDACTED]@db-1:3306/orders",
        id="java-jdbc-userinfo",
    ),
    pytest.param(
        "java.sql.SQLException: Listener refused the connection, url=jdbc:oracle:thin:scott/tiger@//db-1:1521/ORCLPDB1",
        "java.sql.SQLException: Listener refused the connection, url=jdbc:oracle:thin:scott/[REDACTED]@//db-1:1521/ORCLPDB1",
        id="java-oracle-thin",
    ),
    pytest.param(
        "HikariConfig{jdbcUrl=jdbc:postgresql://db-1/orders, username=app, password=Winter2024!, maximumPoolSize=10}",
        "HikariConfig{jdbcUrl=jdbc:postgresql://db-1/orders, username=app, password=[REDACTED], maximumPoolSize=10}",
        id="java-tostring",
    ),
    pytest.param(
        "INFO ProducerConfig values: sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule "
        'required username="orders" password="kafka-s3cret";',
        "INFO ProducerConfig values: sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule "
        'required username="orders" password="[REDACTED]";',
        id="java-kafka-jaas",
    ),
    pytest.param(
        "spring.datasource.password=Winter2024!",
        "spring.datasource.password=[REDACTED]",
        id="java-spring-property",
    ),
    pytest.param(
        "sqlalchemy.exc.OperationalError: connection failed engine=postgresql+psycopg2://orders:Winter2024!@db-1:5432/orders",
        "sqlalchemy.exc.OperationalError: connection failed engine=postgresql+psycopg2://orders:[REDACTED]@db-1:5432/orders",
        id="python-sqlalchemy-dsn",
    ),
    pytest.param(
        "celery.worker.consumer: Connected to amqp://guest:guest@rabbitmq:5672//",
        "celery.worker.consumer: Connected to amqp://guest:[REDACTED]@rabbitmq:5672//",
        id="python-celery-amqp",
    ),
    pytest.param(
        "redis.exceptions.AuthenticationError: invalid password url=redis://:hunter2@redis-0.redis:6379/0",
        "redis.exceptions.AuthenticationError: invalid password url=redis://:[REDACTED]@redis-0.redis:6379/0",
        id="python-redis-empty-user",
    ),
    pytest.param(
        "{'host': 'db-1', 'user': 'app', 'password': 'Winter2024!'}",
        "{'host': 'db-1', 'user': 'app', 'password': '[REDACTED]'}",
        id="python-dict-repr",
    ),
    pytest.param(
        'time=2024-03-14T13:13:36Z level=error msg="db open failed" '
        'dsn="host=db-1 port=5432 user=app password=Winter2024! dbname=orders sslmode=disable"',
        'time=2024-03-14T13:13:36Z level=error msg="db open failed" '
        'dsn="host=db-1 port=5432 user=app password=[REDACTED] dbname=orders sslmode=disable"',
        id="go-libpq-dsn-in-logfmt",
    ),
    pytest.param(
        "time=2024-03-14T13:13:36Z level=info msg=connect uri=mongodb+srv://orders:Winter2024!@cluster0.example.net/orders",
        "time=2024-03-14T13:13:36Z level=info msg=connect uri=mongodb+srv://orders:[REDACTED]@cluster0.example.net/orders",
        id="go-mongo-srv",
    ),
    pytest.param(
        "postgres://app:p@ss@db-1:5432/orders",
        "postgres://app:[REDACTED]@db-1:5432/orders",
        id="url-unescaped-at",
    ),
    pytest.param(
        'level=error msg="login failed password=hunter2 for user app"',
        'level=error msg="login failed password=[REDACTED] for user app"',
        id="logfmt-secret-inside-message",
    ),
    pytest.param(
        '{"level":50,"msg":"request failed","req":{"headers":{"authorization":"Bearer '
        + JWT
        + '","x-api-key":"k_0a1b2c3d4e5f"}}}',
        '{"level":50,"msg":"request failed","req":{"headers":{"authorization":"Bearer [REDACTED]","x-api-key":"[REDACTED]"}}}',
        id="node-pino-headers",
    ),
    pytest.param(
        '{"log":"{\\"password\\":\\"Winter2024!\\",\\"user\\":\\"app\\"}\\n","stream":"stdout"}',
        '{"log":"{\\"password\\":\\"[REDACTED]\\",\\"user\\":\\"app\\"}\\n","stream":"stdout"}',
        id="docker-json-in-json",
    ),
    pytest.param(
        "fail: Microsoft.EntityFrameworkCore.Database.Connection[20004] "
        "Server=tcp:db-1.example.net,1433;Initial Catalog=orders;User Id=app;Password=Winter2024!;Encrypt=True;",
        "fail: Microsoft.EntityFrameworkCore.Database.Connection[20004] "
        "Server=tcp:db-1.example.net,1433;Initial Catalog=orders;User Id=app;Password=[REDACTED];Encrypt=True;",
        id="dotnet-connection-string",
    ),
    pytest.param(
        "Driver={ODBC Driver 18 for SQL Server};Server=db-1;UID=app;PWD={Win;ter2024};",
        "Driver={ODBC Driver 18 for SQL Server};Server=db-1;UID=app;PWD=[REDACTED];",
        id="odbc-braced-pwd",
    ),
    pytest.param(
        '10.0.0.5 - - [14/Mar/2024:13:13:36 +0000] "GET /v1/orders?api_key=0a1b2c3d4e5f6a7b&id=7 HTTP/1.1" 200 512 "-" "curl/8.4.0"',
        '10.0.0.5 - - [14/Mar/2024:13:13:36 +0000] "GET /v1/orders?api_key=[REDACTED]&id=7 HTTP/1.1" 200 512 "-" "curl/8.4.0"',
        id="nginx-query-api-key",
    ),
    pytest.param(
        '10.0.0.5 - - [14/Mar/2024:13:13:36 +0000] "GET /callback?code=ok&access_token=ya29.a0EXAMPLE HTTP/1.1" 302 0',
        '10.0.0.5 - - [14/Mar/2024:13:13:36 +0000] "GET /callback?code=ok&access_token=[REDACTED] HTTP/1.1" 302 0',
        id="apache-query-access-token",
    ),
    pytest.param(
        "GET https://bucket.s3.amazonaws.com/r.csv?X-Amz-Credential="
        + AWS_KEY_ID
        + "%2F20240314&X-Amz-Signature=fe5f80f77d5f",
        "GET https://bucket.s3.amazonaws.com/r.csv?X-Amz-Credential=AKIA[REDACTED]%2F20240314&X-Amz-Signature=[REDACTED]",
        id="s3-presigned-url",
    ),
    pytest.param("DB_PASSWORD=Winter2024!", "DB_PASSWORD=[REDACTED]", id="k8s-env-password"),
    pytest.param("SMTP_PASS=Winter2024!", "SMTP_PASS=[REDACTED]", id="k8s-env-pass"),
    pytest.param(
        "AWS_SECRET_ACCESS_KEY=" + AWS_SECRET, "AWS_SECRET_ACCESS_KEY=[REDACTED]", id="k8s-env-aws-secret"
    ),
    pytest.param(
        "AWS_ACCESS_KEY_ID=" + AWS_KEY_ID, "AWS_ACCESS_KEY_ID=AKIA[REDACTED]", id="k8s-env-aws-key-id"
    ),
    pytest.param("GITHUB_TOKEN=" + GITHUB_TOKEN, "GITHUB_TOKEN=[REDACTED]", id="k8s-env-github-token"),
    pytest.param(
        "    - name: DB_PASSWORD\n      value: Winter2024!",
        "    - name: DB_PASSWORD\n      value: [REDACTED]",
        id="k8s-env-yaml",
    ),
    pytest.param(
        '{"name":"DB_PASSWORD","value":"Winter2024!"}',
        '{"name":"DB_PASSWORD","value":"[REDACTED]"}',
        id="k8s-env-json",
    ),
    pytest.param(
        "env: [{Name:DB_HOST Value:db-1 ValueFrom:nil} {Name:DB_PASSWORD Value:Winter2024! ValueFrom:nil}]",
        "env: [{Name:DB_HOST Value:db-1 ValueFrom:nil} {Name:DB_PASSWORD Value:[REDACTED] ValueFrom:nil}]",
        id="k8s-env-go-struct",
    ),
    pytest.param(
        "aws_secret_access_key = " + AWS_SECRET,
        "aws_secret_access_key = [REDACTED]",
        id="aws-credentials-file",
    ),
    pytest.param(
        '{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "'
        + AWS_SECRET
        + '", "SessionToken": "IQoJb3JpZ2luX2VjEXAMPLE"}',
        '{"AccessKeyId": "ASIA[REDACTED]", "SecretAccessKey": "[REDACTED]", "SessionToken": "[REDACTED]"}',
        id="aws-sts-json",
    ),
    pytest.param("> Authorization: Bearer " + JWT, "> Authorization: Bearer [REDACTED]", id="curl-bearer"),
    pytest.param(
        "> Authorization: Basic YXBwOldpbnRlcjIwMjQh", "> Authorization: Basic [REDACTED]", id="curl-basic"
    ),
    pytest.param(
        "> Authorization: token " + GITHUB_TOKEN, "> Authorization: token [REDACTED]", id="curl-token-scheme"
    ),
    pytest.param(
        "> Proxy-Authorization: Basic YXBwOldpbnRlcjIwMjQh",
        "> Proxy-Authorization: Basic [REDACTED]",
        id="curl-proxy",
    ),
    pytest.param(
        "authorization=k_0a1b2c3d4e5f status=401",
        "authorization=[REDACTED] status=401",
        id="authorization-no-scheme",
    ),
    pytest.param(
        "< Set-Cookie: session=3f9a1c0e7b2d4a6f; Path=/; HttpOnly",
        "< Set-Cookie: session=[REDACTED]; Path=/; HttpOnly",
        id="curl-set-cookie",
    ),
    pytest.param(
        "> Cookie: JSESSIONID=8C1E5B0A9D2F4E6B; theme=dark",
        "> Cookie: JSESSIONID=[REDACTED]; theme=dark",
        id="curl-cookie-jsessionid",
    ),
    pytest.param(
        "upstream call failed: Bearer " + JWT + " rejected",
        "upstream call failed: Bearer [REDACTED] rejected",
        id="bare-bearer",
    ),
    pytest.param("jwt verify failed for " + JWT, "jwt verify failed for [REDACTED]", id="jwt-anywhere"),
    pytest.param(
        "oauth: refresh_token=1//0gEXAMPLE access_token=ya29.EXAMPLE0 client_secret=GOCSPX-EXAMPLE",
        "oauth: refresh_token=[REDACTED] access_token=[REDACTED] client_secret=[REDACTED]",
        id="oauth-tokens",
    ),
    pytest.param("X-Api-Key: 0a1b2c3d4e5f6a7b", "X-Api-Key: [REDACTED]", id="header-x-api-key"),
    pytest.param("apikey=0a1b2c3d4e5f6a7b", "apikey=[REDACTED]", id="apikey"),
    pytest.param("api-key: 0a1b2c3d4e5f6a7b", "api-key: [REDACTED]", id="api-key-dash"),
    pytest.param("x-auth-token: 0a1b2c3d4e5f6a7b", "x-auth-token: [REDACTED]", id="header-auth-token"),
    pytest.param('jwt_secret: "changeme"', 'jwt_secret: "[REDACTED]"', id="yaml-secret-word"),
    pytest.param("session_id=4f3e2d1c0b9a8f7e", "session_id=[REDACTED]", id="session-id"),
    pytest.param("password: 123456", "password: [REDACTED]", id="numeric-password"),
    pytest.param(
        "git clone https://x-access-token:" + GITHUB_TOKEN + "@github.com/example/orders.git",
        "git clone https://x-access-token:[REDACTED]@github.com/example/orders.git",
        id="github-token-in-url",
    ),
    pytest.param(
        "push rejected for " + GITHUB_TOKEN, "push rejected for ghp_[REDACTED]", id="github-classic"
    ),
    pytest.param(
        "push rejected for " + GITHUB_PAT, "push rejected for github_pat_[REDACTED]", id="github-fine-grained"
    ),
    pytest.param(
        "chat.postMessage failed with " + SLACK_TOKEN,
        "chat.postMessage failed with xoxb-[REDACTED]",
        id="slack",
    ),
    pytest.param("stripe: invalid key " + STRIPE_KEY, "stripe: invalid key sk_live_[REDACTED]", id="stripe"),
    pytest.param(
        "maps request denied for " + GOOGLE_KEY, "maps request denied for AIza[REDACTED]", id="google"
    ),
    pytest.param(
        "-----BEGIN RSA PRIVATE KEY-----\n" + PRIVATE_KEY_BODY + "\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----",
        id="private-key-block",
    ),
    pytest.param(
        '{"tls_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANexample\\n-----END PRIVATE KEY-----\\n","ok":false}',
        '{"tls_key":"-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----\\n","ok":false}',
        id="private-key-escaped-in-json",
    ),
    pytest.param(
        "ssh: bad key -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
        "ssh: bad key -----BEGIN OPENSSH PRIVATE KEY----- [REDACTED]",
        id="private-key-begin-only",
    ),
    # Go's header maps and structs, Digest authentication, Slack webhooks.
    pytest.param(
        "header=map[Accept:[application/json] Authorization:[Bearer mF3kT9qZ2xV7nR4pL8wB1cH6]]",
        "header=map[Accept:[application/json] Authorization:[Bearer [REDACTED]]]",
        id="go-header-map-bearer",
    ),
    pytest.param(
        "config: &{Host:db-1 User:app Password:hunter2 Port:5432}",
        "config: &{Host:db-1 User:app Password:[REDACTED] Port:5432}",
        id="go-struct-password",
    ),
    pytest.param(
        'Authorization: Digest username="svc", realm="orders", nonce="dcd98b7102dd2f0e", '
        'uri="/v1/orders", response="6629fae49393a05397450978507c4ef1"',
        'Authorization: Digest username="svc", realm="orders", nonce="dcd98b7102dd2f0e", '
        'uri="/v1/orders", response="[REDACTED]"',
        id="digest-response-only",
    ),
    pytest.param(
        "alertmanager: POST https://hooks.slack.com/services/T0EXAMPLE/B0EXAMPLE/EXAMPLEexampleEXAMPLE12 404",
        "alertmanager: POST https://hooks.slack.com/services/T0EXAMPLE/B0EXAMPLE/[REDACTED] 404",
        id="slack-webhook-url",
    ),
]


@pytest.mark.parametrize(("line", "expected"), SECRET_LINES)
def test_redact_secret_line(line: str, expected: str) -> None:
    assert redact(line)[0] == expected


NEAR_MISSES = [
    pytest.param(
        '2024-03-14 13:13:36.715 UTC [4242] FATAL:  password authentication failed for user "orders"',
        id="postgres-auth",
    ),
    pytest.param(
        "2024-03-14T13:13:36Z 42 [Note] Access denied for user 'app'@'10.0.0.5' (using password: YES)",
        id="mysql-yes",
    ),
    pytest.param("Access denied for user 'root'@'localhost' (using password: NO)", id="mysql-no"),
    pytest.param("HikariPool-1 - Pool stats (total=10, active=10, idle=0, waiting=42)", id="hikari-stats"),
    pytest.param(
        "HikariPool-1 - Connection is not available, request timed out after 30000ms.", id="hikari-timeout"
    ),
    pytest.param(
        "kafka config: ssl.keystore.password = [hidden] sasl.jaas.config = [hidden]", id="kafka-hidden"
    ),
    pytest.param("GET https://api.example.com/v1/orders?id=7 200 12ms", id="url-without-credentials"),
    pytest.param("https://deploy@git.example.com/orders.git", id="url-user-only"),
    pytest.param("listening on http://0.0.0.0:8080", id="url-with-port"),
    pytest.param("request_id=6f1c2a9e-3b4d-4f5a-9c8e-7d6b5a4f3e2d status=500", id="uuid"),
    pytest.param("deployed commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 to production", id="git-sha1"),
    pytest.param(
        "image=registry.example.com/orders@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        id="image-sha256",
    ),
    pytest.param(
        "usage prompt_tokens=812 completion_tokens=512 total_tokens=1324 max_tokens=4096",
        id="llm-token-counts",
    ),
    pytest.param("generate tokens=512 max_token=4096", id="token-count-singular"),
    pytest.param("auth failed: token=expired user=app", id="token-status-word"),
    pytest.param("jwt verify failed: invalid token: token is expired", id="token-prose"),
    pytest.param("token_type=bearer expires_in=3600", id="token-type"),
    pytest.param('WWW-Authenticate: Bearer realm="api", error="invalid_token"', id="www-authenticate"),
    pytest.param("missing Authorization header; expected Bearer authentication_required", id="bearer-prose"),
    pytest.param("Authorization: Basic", id="authorization-scheme-only"),
    pytest.param("redis slowlog: GET session:9f8e7d6c5b4a 12ms", id="redis-session-key"),
    pytest.param("cache miss key=orders:12345 ttl=300", id="redis-key"),
    pytest.param("idempotency_key=ord-7 cache_key=user:42 secret_name=orders-db", id="keys-not-secrets"),
    pytest.param("POSTGRES_PASSWORD_FILE=/run/secrets/db_password", id="password-file-path"),
    pytest.param("PWD=/srv/orders", id="env-pwd"),
    pytest.param("OLDPWD=/home/app", id="env-oldpwd"),
    pytest.param("bypass=cache compass=north", id="pass-inside-word"),
    pytest.param(
        "      DB_PASSWORD:  <set to the key 'password' in secret 'orders-db'>  Optional: false",
        id="kubectl-describe-env",
    ),
    pytest.param(
        "{Name:DB_PASSWORD Value: ValueFrom:&EnvVarSource{SecretKeyRef:&SecretKeySelector{Key:password}}}",
        id="k8s-env-from-secret",
    ),
    pytest.param(
        'MountVolume.SetUp failed for volume "db-creds" : secret "orders-db" not found',
        id="kubelet-secret-missing",
    ),
    pytest.param("spring.datasource.password=${DB_PASSWORD}", id="template-reference"),
    pytest.param('"password": "{{ .Values.db.password }}"', id="helm-template"),
    pytest.param("x-api-key: ***", id="already-masked-stars"),
    pytest.param("password: null", id="null-value"),
    pytest.param("password= user=app", id="empty-value"),
    pytest.param('password=""', id="empty-quoted"),
    pytest.param(
        "-----BEGIN CERTIFICATE----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", id="certificate"
    ),
    pytest.param("-----BEGIN PUBLIC KEY----- MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", id="public-key"),
    pytest.param("-----BEGIN PRIVATE KEY-----", id="private-key-header-alone"),
    pytest.param(AWS_KEY_ID + "X", id="aws-key-id-too-long"),
    pytest.param("signature verification failed", id="signature-prose"),
]


@pytest.mark.parametrize("line", NEAR_MISSES)
def test_near_miss_unchanged(line: str) -> None:
    assert redact(line)[0] == line


@pytest.mark.parametrize("line", NEAR_MISSES)
def test_near_miss_counts_zero(line: str) -> None:
    assert redact(line)[1] == 0


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("password=hunter2", 1),
        ("user=app host=db-1", 0),
        ("> Authorization: Bearer " + JWT, 1),
        ("refresh_token=1//0gEXAMPLE access_token=ya29.EXAMPLE0 client_secret=GOCSPX-EXAMPLE", 3),
        ('{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "' + AWS_SECRET + '"}', 2),
        ("postgres://app:pw1@db-1/orders postgres://app:pw2@db-2/orders", 2),
        ("-----BEGIN EC PRIVATE KEY-----\n" + PRIVATE_KEY_BODY + "\n-----END EC PRIVATE KEY-----", 1),
    ],
)
def test_redact_count(line: str, count: int) -> None:
    assert redact(line)[1] == count


def test_redactor_counts_across_calls() -> None:
    redactor = Redactor()
    first = redactor.text("password=hunter2")
    second = redactor.text("user=app")
    third = redactor.text("token=" + GITHUB_TOKEN + " api_key=0a1b2c3d4e5f")

    assert first == "password=[REDACTED]"
    assert second == "user=app"
    assert third == "token=[REDACTED] api_key=[REDACTED]"
    assert redactor.replaced == 3


def test_redactor_starts_at_zero() -> None:
    assert Redactor().replaced == 0


@pytest.mark.parametrize("expected", [param.values[1] for param in SECRET_LINES])
def test_redacted_text_unchanged_again(expected: str) -> None:
    assert redact(expected) == (expected, 0)


# Pieces of the lines above, so that random joins form secrets, near misses
# and half-formed secrets next to each other.
_FRAGMENTS = [
    "password=",
    "password: ",
    '"password":"',
    "token=",
    "api_key=",
    "Authorization: ",
    "Bearer ",
    "Basic ",
    "postgres://",
    "app:",
    "@db-1",
    "/orders",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "\n",
    " ",
    '"',
    "'",
    "\\",
    "\\n",
    "=",
    ":",
    ";",
    "&",
    ",",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    REDACTED,
    "hunter2",
    "Winter2024!",
    "0a1b2c3d4e5f6a7b",
    JWT,
    AWS_KEY_ID,
    AWS_SECRET,
    GITHUB_TOKEN,
    SLACK_TOKEN,
    "name: DB_PASSWORD",
    "value: ",
    "eyJ",
    ".",
    "expired",
    "512",
]


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join))
def test_redact_idempotent_on_joined_fragments(text: str) -> None:
    once, _ = redact(text)
    assert redact(once) == (once, 0)


@given(st.text(max_size=200))
def test_redact_idempotent_on_any_text(text: str) -> None:
    once, _ = redact(text)
    assert redact(once) == (once, 0)


_LINE_SIZE = 64 * 1024


def _repeat_to_line_size(unit: str) -> str:
    return (unit * (_LINE_SIZE // len(unit) + 1))[:_LINE_SIZE]


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("a" * _LINE_SIZE, id="word-run"),
        pytest.param(_repeat_to_line_size("a_") + "password=x", id="long-key"),
        pytest.param(_repeat_to_line_size("password="), id="keys-without-values"),
        pytest.param(_repeat_to_line_size('"password":"'), id="unclosed-quotes"),
        pytest.param(_repeat_to_line_size('\\"'), id="escaped-quotes"),
        pytest.param(_repeat_to_line_size("://a:"), id="userinfo-without-at"),
        pytest.param("x://a:" + "b" * _LINE_SIZE, id="long-password-without-at"),
        pytest.param(_repeat_to_line_size("-----BEGIN "), id="begin-without-label"),
        pytest.param("-----BEGIN " + _repeat_to_line_size("AB "), id="long-label"),
        pytest.param(_repeat_to_line_size("eyJa.b"), id="jwt-prefixes"),
        pytest.param(_repeat_to_line_size("Bearer "), id="bearer-without-token"),
        pytest.param(_repeat_to_line_size("Authorization: "), id="authorization-without-value"),
        pytest.param(_repeat_to_line_size('name="x_token" '), id="env-names-without-values"),
        pytest.param(_repeat_to_line_size("jdbc:oracle:thin:"), id="oracle-prefixes"),
        pytest.param(
            _repeat_to_line_size("password=x&token=eyJa.eyJb.c ://u:p@h Bearer 0123456789abcdefgh "),
            id="mixed",
        ),
    ],
)
def test_adversarial_line_is_fast(line: str) -> None:
    # A linear pattern needs milliseconds for these lines and a backtracking
    # one needs seconds or more, so the bound leaves room for slow CI machines.
    start = time.perf_counter()
    redact(line)
    assert time.perf_counter() - start < 2.0
