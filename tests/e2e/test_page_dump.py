"""An `nginx -T` dump in the page: findings, gutter marks, line links, fix
notes and the diff speak of each file's own lines while the editor goes to
the line of the paste; the fix is offered per changed file, as it is on the
host (no `nginx -T` headers), and unchanged files are not offered."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from test_page import cli

REPORTS = "/etc/nginx/sites-enabled/reports.example.com.conf"
FILES = {
    "/etc/nginx/nginx.conf": """user www-data;
worker_processes auto;
pid /run/nginx.pid;

events {
    worker_connections 768;
}

http {
    sendfile on;
    include /etc/nginx/mime.types;
    include /etc/nginx/conf.d/*.conf;
    include /etc/nginx/sites-enabled/*;
}
""",
    "/etc/nginx/mime.types": "types {\n" + "".join(f"    application/x-type-{n} x{n};\n" for n in range(280)) + "}\n",
    "/etc/nginx/conf.d/default.conf": "server {\n    listen 80 default_server;\n    return 444;\n}\n",
    REPORTS: """server {
    listen 443 ssl;
    server_name reports.example.com;
    ssl_certificate /etc/ssl/reports.pem;
    ssl_certificate_key /etc/ssl/reports.key;

    location / {
        proxy_pass https://10.0.7.21:8443;
        proxy_set_header Host $host;
        proxy_ssl_server_name on;
        proxy_ssl_verify off;
    }
}
""",
}
DUMP = ("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
        "nginx: configuration file /etc/nginx/nginx.conf test is successful\n"
        + "".join(f"# configuration file {path}:\n{body}\n" for path, body in FILES.items()))
VERIFY_OFF_FILE_LINE = 11
VERIFY_OFF_PASTE_LINE = DUMP.splitlines().index("        proxy_ssl_verify off;") + 1


def fixed_reports_file() -> str:
    """The CLI's fix of the dump, cut to the reports file as it is on disk."""
    fixed = cli("fix", "-", stdin=DUMP)
    body = fixed.split(f"# configuration file {REPORTS}:\n", 1)[1]
    return body[:-1]  # nginx -T adds a newline after each file


def test_a_dump_is_read_file_by_file_and_fixed_file_by_file(page):
    assert VERIFY_OFF_PASTE_LINE > 300 and DUMP.count("\n") > 320
    page.open()
    page.paste(DUMP)
    page.settle(DUMP)
    finding = page.hook("findings").locator("[data-code=UT001]")
    link = finding.locator(".line-link")
    expect(link).to_have_text(f"reports.example.com.conf line {VERIFY_OFF_FILE_LINE}")
    assert finding.get_attribute("data-line") == link.get_attribute("data-line") == str(VERIFY_OFF_FILE_LINE)
    assert link.get_attribute("data-paste-line") == str(VERIFY_OFF_PASTE_LINE)
    # Clicking the finding puts the editor's cursor (its active line) on the line of the paste, which the
    # gutter marks.
    link.click()
    expect(page.page.locator("[data-testid=editor] .cm-activeLine")).to_have_text("        proxy_ssl_verify off;")
    expect(page.page.locator("#editor-host .cm-activeLineGutter").first).to_have_text(str(VERIFY_OFF_PASTE_LINE))
    marked = page.page.locator("#editor-host .cm-activeLine [class*=cm-lintRange-]")
    expect(marked).to_have_text("proxy_ssl_verify off;")
    # The fix notes and the diff number the file's own lines, and link to the paste's.
    note = page.page.locator("#fix-notes .line-link").first
    assert note.get_attribute("data-paste-line") == str(VERIFY_OFF_PASTE_LINE)
    expect(page.page.locator("#diff-view .file-name")).to_have_text([REPORTS])
    original = page.page.locator("#diff-view .cm-merge-a .cm-content")
    expect(original).to_contain_text("server {")
    assert "configuration file" not in original.text_content()
    numbers = page.page.locator("#diff-view .cm-merge-a .cm-lineNumbers .cm-gutterElement").evaluate_all(
        "(cells) => cells.filter((cell) => cell.style.visibility !== 'hidden').map((cell) => cell.textContent)")
    assert max(int(number) for number in numbers if number.isdigit()) == FILES[REPORTS].count("\n") + 1
    # Only the changed file is offered, under its own name, as it is on the host.
    expect(page.hook("download-fixed")).to_be_hidden()
    downloads = page.page.locator("#file-downloads button[data-file]")
    expect(downloads).to_have_count(1)
    with page.page.expect_download() as download:
        downloads.first.click()
    assert download.value.suggested_filename == "reports.example.com.conf"
    saved = Path(download.value.path()).read_text()
    assert saved == fixed_reports_file()
    assert "proxy_ssl_verify on;" in saved and "configuration file" not in saved and "syntax is ok" not in saved
    page.page.locator("#tab-fixed").click()
    assert "syntax is ok" not in page.fixed_text() and "# configuration file" not in page.fixed_text()
    expect(page.hook("deploy")).to_contain_text(
        f"sudo install -m 0644 reports.example.com.conf {REPORTS}")
