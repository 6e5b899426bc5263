"""Walk the pages a signed-in user reaches from the home page, as the user would: each link of
each page reached, up to three of each shape (/children/N/ is one shape), never the links that
leave the pages (sign-out, the admin, the API, downloads and prints)."""

import datetime
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from django.http import HttpResponse

LINKS_NOT_FOLLOWED = re.compile(r"^/(logout|admin|api|static|i18n|verify)/|/print/|download|\.(csv|xlsx|pdf)$")


def pages(client, start="/") -> Iterator[tuple[str, HttpResponse]]:
    """(url, response) for every page reached, HTML or not, in the order reached."""
    seen, queue, shapes = set(), [start], dict[str, int]()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        yield url, response
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            shape = re.sub(r"\d+", "N", href.split("?")[0])
            if not LINKS_NOT_FOLLOWED.search(href) and shapes.get(shape, 0) < 3 and href not in seen:
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(href)


class Form:
    """A form as the page offers it: where it posts, and each field with the value it shows."""

    def __init__(self, method, action, enctype, autocomplete=""):
        self.method, self.action, self.enctype = method, action, enctype
        self.autocomplete = autocomplete  # "off": the browser keeps nothing typed into it
        self.fields: list[tuple[str, str, str]] = []  # (name, kind: the input's type, select, textarea, value)
        self.buttons: list[tuple[str, str]] = []  # named submit buttons: (name, value)
        self.attrs: dict[str, dict[str, str]] = {}  # each field's attributes (required, min, max)
        self.options: dict[str, list[str]] = {}  # each select's values
        self.ticks: dict[str, str] = {}  # the checkboxes a submission requires ticked, unticked as offered

    def data(self) -> dict[str, str | list[str]]:
        """What submitting the form untouched sends (a multiple select, its selected options)."""
        data: dict[str, str | list[str]] = {}
        for name, kind, value in self.fields:
            if kind == "select-multiple":
                data.setdefault(name, [])
                if value:
                    data[name].append(value)  # type: ignore[union-attr]
            elif name not in data:
                data[name] = value
        return data

    def filled(self, today: datetime.date) -> dict[str, str | list[str]]:
        """What a user sends who fills in each required field left empty with a plausible value of
        its kind: `today` within the date's bounds, the first option, a number at its least, a
        word; each required tick ticked. A form offered blank is refused before its service runs:
        filled in, each field spoiled reaches the service."""
        data = self.data()
        for name, kind, _value in self.fields:
            attrs = self.attrs.get(name, {})
            if data.get(name) or "required" not in attrs:
                continue
            if kind == "date":
                day = today.isoformat()
                data[name] = min(max(day, attrs.get("min") or day), attrs.get("max") or day)
            elif kind == "number":
                data[name] = attrs.get("min") or "1"
            elif kind.startswith("select"):
                chosen = [value for value in self.options.get(name, []) if value][:1]
                data[name] = chosen if kind == "select-multiple" else (chosen or [""])[0]
            elif kind != "file":
                data[name] = "Test"
        return {**data, **self.ticks}


class _Forms(HTMLParser):
    def __init__(self, url):
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.form, self.select, self.textarea = url, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "option" and self.select is not None:
            self.select[2].append((a.get("value", ""), "selected" in a))
        elif tag == "form":
            self.form = Form(
                a.get("method", "get").lower(),
                a.get("action") or self.url,
                a.get("enctype", ""),
                a.get("autocomplete", ""),
            )
            self.forms.append(self.form)
        elif self.form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self.form.buttons.append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a and not any(n == a["name"] for n, _, _ in self.form.fields):
                    self.form.fields.append((a["name"], kind, a.get("value", "on")))
                elif "required" in a and "checked" not in a:
                    self.form.ticks.setdefault(a["name"], a.get("value", "on"))
            elif kind != "button":
                self.form.fields.append((a["name"], kind, a.get("value", "")))
                self.form.attrs[a["name"]] = a
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = (a["name"], "select-multiple" if "multiple" in a else "select", [])
            self.form.attrs[a["name"]] = a
        elif tag == "textarea":
            self.textarea = [a["name"], ""]
            self.form.attrs[a["name"]] = a

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, kind, options = self.select
            self.form.options[name] = [value for value, _ in options]
            chosen = [value for value, selected in options if selected]
            if kind == "select":
                chosen = chosen[:1] or [value for value, _ in options[:1]]
            for value in chosen or [""]:
                self.form.fields.append((name, kind, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea[0], "textarea", self.textarea[1]))
            self.textarea = None


def forms_of(url: str, html: str) -> list[Form]:
    parser = _Forms(url)
    parser.feed(html)
    return parser.forms
