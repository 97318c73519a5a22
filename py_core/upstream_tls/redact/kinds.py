"""What redaction can find, each with a stable code and the tag its
placeholders carry, so a reader of the redacted text sees what was there.

The order is the priority when two detectors claim the same span: the more
specific kind names it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    tag: str
    summary: str
    topology: bool = False


KINDS = (
    Kind("SEC001", "private-key", "PRIVATE_KEY", "PEM, OpenSSH or PuTTY private key, also pasted into comments"),
    Kind("SEC010", "aws-access-key-id", "AWS_ACCESS_KEY_ID", "AWS access key id (AKIA…, ASIA…)"),
    Kind("SEC011", "aws-secret-key", "AWS_SECRET_KEY", "AWS secret access key (40 characters)"),
    Kind("SEC012", "github-token", "GITHUB_TOKEN", "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"),
    Kind("SEC013", "gitlab-token", "GITLAB_TOKEN", "GitLab token (glpat- and friends)"),
    Kind("SEC014", "slack-token", "SLACK_TOKEN", "Slack token (xoxb-, xoxp-, xapp-…)"),
    Kind("SEC015", "slack-webhook", "SLACK_WEBHOOK", "the secret path of a hooks.slack.com webhook URL"),
    Kind("SEC016", "stripe-key", "STRIPE_KEY", "Stripe key (sk_, rk_, pk_ live or test, whsec_)"),
    Kind("SEC018", "anthropic-key", "ANTHROPIC_KEY", "Anthropic API key (sk-ant-…)"),
    Kind("SEC017", "openai-key", "OPENAI_KEY", "OpenAI API key (sk-…, sk-proj-…)"),
    Kind("SEC019", "google-api-key", "GOOGLE_API_KEY", "Google API key or OAuth token (AIza…, ya29.…)"),
    Kind("SEC020", "sendgrid-key", "SENDGRID_KEY", "SendGrid API key (SG.x.y)"),
    Kind("SEC021", "twilio-credential", "TWILIO", "Twilio account or API key SID (AC…, SK…)"),
    Kind("SEC022", "jwt", "JWT", "JSON Web Token (eyJ….eyJ….signature)"),
    Kind("SEC028", "provider-token", "PROVIDER_TOKEN", "other published token shapes: npm, PyPI, Vault, "
         "DigitalOcean, Shopify, Mailgun, Databricks, New Relic, Hugging Face, Groq, Grafana, Sentry, Square, "
         "Doppler, Atlassian, Heroku and more"),
    Kind("SEC033", "aws-arn", "AWS_ARN", "a whole AWS ARN: its resource names say what runs where", True),
    Kind("SEC034", "aws-account-id", "AWS_ACCOUNT", "an AWS account id: inside any ARN, or where the line says "
         "account or owner"),
    Kind("SEC002", "bearer-token", "BEARER", "the credential of an Authorization: Bearer header"),
    Kind("SEC003", "basic-auth", "BASIC_AUTH", "the credential of an Authorization: Basic header, curl -u"),
    Kind("SEC004", "digest-auth", "DIGEST_AUTH", "the parameters of an Authorization: Digest header"),
    Kind("SEC005", "auth-token", "AUTH_TOKEN", "other Authorization schemes, X-Auth-Token, values named *token*"),
    Kind("SEC006", "api-key", "API_KEY", "X-Api-Key, api-key and values named *api_key*"),
    Kind("SEC007", "session-cookie", "SESSION_COOKIE", "the value of a session cookie"),
    Kind("SEC008", "password", "PASSWORD", "URL and connection-string passwords, values named *password* (in any "
         "of many languages), passwords in shell commands"),
    Kind("SEC023", "nginx-secret", "NGINX_SECRET", "secure_link_secret, secure_link_md5's secret, auth_jwt_key"),
    Kind("SEC024", "key-material", "KEY_MATERIAL", "session-ticket-style key material, TLS master keys"),
    Kind("SEC025", "password-hash", "PASSWORD_HASH", "htpasswd hashes ($apr1$, bcrypt, {SHA}, crypt)"),
    Kind("SEC026", "secret-file", "SECRET_FILE", "the lines of a pasted password file"),
    Kind("SEC009", "named-secret", "SECRET", "a value whose name says secret, key or credential"),
    Kind("SEC027", "high-entropy", "HIGH_ENTROPY", "a random-looking literal where credentials are set"),
    Kind("SEC030", "internal-ip", "IP", "a private, CGNAT, link-local or unique-local address", True),
    Kind("SEC031", "host-name", "HOST", "a DNS name or a host in a URL or upstream server", True),
    Kind("SEC032", "upstream-name", "UPSTREAM", "the name of an upstream group", True),
)

BY_TAG = {kind.tag: kind for kind in KINDS}
PRIORITY = {kind.tag: rank for rank, kind in enumerate(KINDS)}
