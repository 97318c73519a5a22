// The examples gallery's data: real configs, log lines and chains (made
// with openssl: EC P-256 keys, valid until 2126) for the failures people
// meet most. Each example fills every input, so together they show every
// panel: verdict, causes, findings, the fix, the CA bundle, deploy steps.
const SELF_SIGNED = `-----BEGIN CERTIFICATE-----
MIIBsTCCAVagAwIBAgIUV2BajNpOvi52+hwAYbd/T0z5cvcwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMYXBpLmludGVybmFsMCAXDTI2MTIwNjIzMTk1MVoYDzIxMjYx
MTEyMjMxOTUxWjAXMRUwEwYDVQQDDAxhcGkuaW50ZXJuYWwwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAASzoi6hbczxBk+D47VNGZOUuWJBIS/BshtM5SWIl1BdFpi0
VMvw0+kcRN7LZQ/uxTy06FOvRBgooIfrjvk9RUVXo34wfDAdBgNVHQ4EFgQURH3C
9BqjqWezbo5UqZF3qLCz75owHwYDVR0jBBgwFoAURH3C9BqjqWezbo5UqZF3qLCz
75owFwYDVR0RBBAwDoIMYXBpLmludGVybmFsMAwGA1UdEwEB/wQCMAAwEwYDVR0l
BAwwCgYIKwYBBQUHAwEwCgYIKoZIzj0EAwIDSQAwRgIhAJch6F70zyZZ5gwDSGPf
TQMe084IQdxEAEtwMdFbEzHFAiEA5OTCfckg2zCtDOLaeRQLz9GVZ1oW/EH078go
ii/FiRg=
-----END CERTIFICATE-----
`;
const CORP_ROOT = `-----BEGIN CERTIFICATE-----
MIIB0zCCAXmgAwIBAgIUIR6lxNnUthC4+SAUhH+CxJukZd8wCgYIKoZIzj0EAwIw
NjEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMR0wGwYDVQQDDBRFeGFtcGxlIENvcnAg
Um9vdCBDQTAgFw0yNjEyMDYyMzE5NTFaGA8yMTI2MTExMjIzMTk1MVowNjEVMBMG
A1UECgwMRXhhbXBsZSBDb3JwMR0wGwYDVQQDDBRFeGFtcGxlIENvcnAgUm9vdCBD
QTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFhCOeYM7UjriM/0jBo3szBYKLUt
WdoBv9o8jUNYR5W13l4tW+T9eoU4CiYzHtjxES8JbZCFjxpfub7L9gSJi4GjYzBh
MB0GA1UdDgQWBBToTdHdvqCNUfF+vmr1MVatcj6HMTAfBgNVHSMEGDAWgBToTdHd
vqCNUfF+vmr1MVatcj6HMTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIB
BjAKBggqhkjOPQQDAgNIADBFAiEAubyO1NmI3vi8oTUXGiPgf/f1l0926oaJPA/7
jblIs9kCIHcgckJywQg7a7oHaz8lcPAXZ3kW6o3fydYTONxXJ0cE
-----END CERTIFICATE-----
`;
const CORP_ISSUING_1 = `-----BEGIN CERTIFICATE-----
MIIB2DCCAX6gAwIBAgIUcv1dlz6wYRwkWE8oConkSVC9i10wCgYIKoZIzj0EAwIw
NjEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMR0wGwYDVQQDDBRFeGFtcGxlIENvcnAg
Um9vdCBDQTAgFw0yNjEyMDYyMzE5NTFaGA8yMTI2MTExMjIzMTk1MVowOzEVMBMG
A1UECgwMRXhhbXBsZSBDb3JwMSIwIAYDVQQDDBlFeGFtcGxlIENvcnAgSXNzdWlu
ZyBDQSAxMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5+zYuMr0+MnCn+ZvBDBB
yp1zn9IEQw3+iaQNt1B4VO27Q91fwKbuQReTUcPwcS7JAlhWiYp7B8pDYELGnHKM
6KNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0OBBYE
FC63vgLBMuS1OyyJj/4ERctAnPInMB8GA1UdIwQYMBaAFOhN0d2+oI1R8X6+avUx
Vq1yPocxMAoGCCqGSM49BAMCA0gAMEUCIEsynb7OJWK0rZEQ1lGd1teEQKtknQGN
1+jtBKCaNa0+AiEAmBRH5PF7F5r5cgVpHBwAN4gQN03n6hH/ZRA6cl+5Uis=
-----END CERTIFICATE-----
`;
const CORP_SERVICES_2 = `-----BEGIN CERTIFICATE-----
MIIB3TCCAYSgAwIBAgIUD1hHNTHJzFwT/uRK2OeiOkg7pm4wCgYIKoZIzj0EAwIw
OzEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMSIwIAYDVQQDDBlFeGFtcGxlIENvcnAg
SXNzdWluZyBDQSAxMCAXDTI2MTIwNjIzMTk1MVoYDzIxMjYxMTEyMjMxOTUxWjA8
MRUwEwYDVQQKDAxFeGFtcGxlIENvcnAxIzAhBgNVBAMMGkV4YW1wbGUgQ29ycCBT
ZXJ2aWNlcyBDQSAyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjsEqLwZdkn62
c3NJn+2PP/UOE2xUZv0J4pa44ylPnUPIhlw3bdolRJFpWVsJaFQYcx28vfF2KwIu
EQdeM127Y6NjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYD
VR0OBBYEFHnpGg89Fr8Gb1g8eVICgcu6nVxyMB8GA1UdIwQYMBaAFC63vgLBMuS1
OyyJj/4ERctAnPInMAoGCCqGSM49BAMCA0cAMEQCIE26mlQRXDJyE4+qUoLejUFa
YTzKAWvEItFBnwjTzC9WAiBtRM6VfD9EdC24WYw+IO0C4hE25ghUcrAl0lafF3Ix
Hg==
-----END CERTIFICATE-----
`;
const BILLING_LEAF = `-----BEGIN CERTIFICATE-----
MIIB9zCCAZygAwIBAgIUD1hHNTHJzFwT/uRK2OeiOkg7pm0wCgYIKoZIzj0EAwIw
OzEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMSIwIAYDVQQDDBlFeGFtcGxlIENvcnAg
SXNzdWluZyBDQSAxMCAXDTI2MTIwNjIzMTk1MVoYDzIxMjYxMTEyMjMxOTUxWjAf
MR0wGwYDVQQDDBRiaWxsaW5nLmNvcnAuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABDIw7qMN54paS+bbIX5S/gGvJO5Pd4AnSwowgRpeByuhjO5lwWLc
QXV+q3oETYIaZTWv8NSTpkL4qkLVIeKrN7SjgZcwgZQwDAYDVR0TAQH/BAIwADAO
BgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHwYDVR0RBBgwFoIU
YmlsbGluZy5jb3JwLmV4YW1wbGUwHQYDVR0OBBYEFC0vkiQg1Jmo29KGJwYV5Bhx
jYb3MB8GA1UdIwQYMBaAFC63vgLBMuS1OyyJj/4ERctAnPInMAoGCCqGSM49BAMC
A0kAMEYCIQC87UkhF9ULl1/Or+Bp+GGq0k3ytE7KGFBfI/bXm/vNzgIhAL9cfjyL
cCa6ayNineQsLG+UE7+alMM5rIE2XZ2ewN5V
-----END CERTIFICATE-----
`;
const API_LEAF = `-----BEGIN CERTIFICATE-----
MIICADCCAaWgAwIBAgIUQmSBfsyPx9eMBWDCROWpkSLxw9swCgYIKoZIzj0EAwIw
PDEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMSMwIQYDVQQDDBpFeGFtcGxlIENvcnAg
U2VydmljZXMgQ0EgMjAgFw0yNjEyMDYyMzE5NTFaGA8yMTI2MTExMjIzMTk1MVow
IzEhMB8GA1UEAwwYYXBpLmludGVybmFsLmV4YW1wbGUuY29tMFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAEKWrBTa/XjSRmywupcxbvTeUDGJ0JhN1MOxERgoxJxNy1
TczeNTOoQIrti4fDfDQuHxIylxbRIbljU4b1U6cFlqOBmzCBmDAMBgNVHRMBAf8E
AjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAjBgNVHREE
HDAaghhhcGkuaW50ZXJuYWwuZXhhbXBsZS5jb20wHQYDVR0OBBYEFDvJpbQ/K7pF
4HI2+RJtNTCwCSnZMB8GA1UdIwQYMBaAFHnpGg89Fr8Gb1g8eVICgcu6nVxyMAoG
CCqGSM49BAMCA0kAMEYCIQDb2F9wQNpVrWXSWer2tReq0vVW4K4fYJkpl7HDytTD
cwIhAKtEDiR71xWDQED3cb1AHVsaVrk4KPlrlOOHDAHxFVpJ
-----END CERTIFICATE-----
`;

export const EXAMPLES = [
  {
    id: "self-signed",
    title: "Self-signed upstream",
    hint: "verify error 18; trusts the OS bundle",
    config: `server {
    listen 443 ssl;
    server_name shop.example.com;

    location /api/ {
        proxy_pass https://10.0.1.45:8443;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
    }
}
`,
    log: `2026/11/28 10:00:00 [error] 2817#2817: *51 upstream SSL certificate verify error: (18:self-signed certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "https://10.0.1.45:8443/api/cart", host: "shop.example.com"
`,
    chain: `CONNECTED(00000003)
---
Certificate chain
 0 s:CN = api.internal
   i:CN = api.internal
${SELF_SIGNED}---
`,
    options: {},
  },
  {
    id: "private-ca",
    title: "Private CA, with intermediate",
    hint: "verify error 20; chain with its root",
    config: `server {
    listen 443 ssl;
    server_name pay.example.com;

    location / {
        proxy_pass https://billing.corp.example;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;
        proxy_ssl_server_name on;
    }
}
`,
    log: `2026/11/28 10:00:00 [error] 2817#2817: *51 upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: pay.example.com, request: "GET / HTTP/1.1", upstream: "https://10.0.4.20:443/", host: "pay.example.com"
`,
    chain: BILLING_LEAF + CORP_ISSUING_1 + CORP_ROOT,
    options: {},
  },
  {
    id: "sni",
    title: "SNI-only SaaS / CDN",
    hint: "alert 112, unrecognized name",
    config: `server {
    listen 443 ssl;
    server_name app.example.com;

    location /search/ {
        proxy_pass https://search.saas-vendor.example;
        proxy_set_header Host search.saas-vendor.example;
    }
}
`,
    log: `2026/11/28 10:00:00 [error] 2817#2817: *51 SSL_do_handshake() failed (SSL: error:0A000458:SSL routines::tlsv1 unrecognized name:SSL alert number 112) while SSL handshaking to upstream, client: 203.0.113.7, server: app.example.com, request: "GET /search/?q=tls HTTP/1.1", upstream: "https://198.51.100.20:443/search/?q=tls", host: "app.example.com"
`,
    chain: ``,
    options: {},
  },
  {
    id: "mtls",
    title: "mTLS upstream",
    hint: "400 No required SSL certificate was sent",
    config: `server {
    listen 443 ssl;
    server_name partner.example.com;

    location /orders/ {
        proxy_pass https://orders.partner.example;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate /etc/nginx/certs/partner-ca.pem;
        proxy_ssl_server_name on;
    }
}
`,
    log: `<html>
<head><title>400 No required SSL certificate was sent</title></head>
<body>
<center><h1>400 Bad Request</h1></center>
<center>No required SSL certificate was sent</center>
<hr><center>nginx</center>
</body>
</html>
`,
    chain: ``,
    options: {"client_cert": "/etc/nginx/certs/partner-client.pem", "client_key": "/etc/nginx/certs/partner-client.key"},
  },
  {
    id: "depth",
    title: "Two intermediates (depth)",
    hint: "verify error 20; four-certificate chain",
    config: `server {
    listen 443 ssl;
    server_name shop.example.com;

    location /api/ {
        proxy_pass https://api.internal.example.com;
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate /etc/nginx/certs/corp-root.pem;
        proxy_ssl_server_name on;
    }
}
`,
    log: `2026/11/28 09:12:44 [error] 2817#2817: *5051 upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: shop.example.com, request: "GET /api/cart HTTP/1.1", upstream: "https://10.20.0.14:443/api/cart", host: "shop.example.com"
`,
    chain: API_LEAF + CORP_SERVICES_2 + CORP_ISSUING_1 + CORP_ROOT,
    options: {},
  },
  {
    id: "plain-http",
    title: "Plain-HTTP port",
    hint: "wrong version number; s_client output",
    config: `server {
    listen 443 ssl;
    server_name admin.example.com;

    location / {
        proxy_pass https://10.0.3.7:8080;
    }
}
`,
    log: `2026/11/28 10:00:00 [error] 2817#2817: *51 SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking to upstream, client: 203.0.113.7, server: admin.example.com, request: "GET / HTTP/1.1", upstream: "https://10.0.3.7:8080/", host: "admin.example.com"
`,
    chain: `CONNECTED(00000003)
40F7D1E2C57F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:354:
---
no peer certificate available
---
No client certificate CA names sent
---
SSL handshake has read 5 bytes and written 316 bytes
`,
    options: {},
  },
];
