"""Kazakh and Russian translations are complete, compiled, and keep every placeholder."""

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from django.utils import translation

from tests.conftest import ROOT

STRING = r'"(.*)"((?:\n".*")*)'  # a string of a .po file: its first line, then the lines continuing it


class Entry(NamedTuple):
    context: str | None
    message: str
    plural: str | None
    translations: list[str]  # msgstr, or each msgstr[n] of a plural
    fuzzy: bool
    places: list[str]  # where the code holds it (path:line)


def _unquote(first, rest):
    return (
        (first + "".join(re.findall(r'"(.*)"', rest)))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


def catalogue(path: Path) -> list[Entry]:
    """The live entries of a .po file (neither its header nor an obsolete one), strings unquoted."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        message = re.search(rf"^msgid {STRING}", block, re.M)
        if message is None or block.lstrip().startswith("#~"):
            continue
        context = re.search(rf"^msgctxt {STRING}", block, re.M)
        plural = re.search(rf"^msgid_plural {STRING}", block, re.M)
        entry = Entry(
            context=context and _unquote(*context.groups()),
            message=_unquote(*message.groups()),
            plural=plural and _unquote(*plural.groups()),
            translations=[_unquote(*found) for found in re.findall(rf"^msgstr(?:\[\d\])? {STRING}", block, re.M)],
            fuzzy=bool(re.search(r"^#,.*\bfuzzy\b", block, re.M)),
            places=" ".join(re.findall(r"^#: (.*)$", block, re.M)).split(),
        )
        if entry.message or entry.context is not None:  # not the header
            entries.append(entry)
    return entries


def po_entries(language) -> list[Entry]:
    return catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_message_is_translated_and_not_fuzzy(language):
    untranslated = []
    for entry in po_entries(language):
        assert not entry.fuzzy, entry.message
        if not all(entry.translations):
            untranslated.append(entry.message)
    assert untranslated == []


@pytest.mark.parametrize(
    "language, english, expected",
    [
        (
            "ru",
            "Three months on the central register have not expired: adoption is possible from %(date)s.",
            "Три месяца",
        ),
        ("kk", "Adoption cases are heard in camera (¶47).", "жабық отырыста"),
        ("ru", "Children", "Дети"),
        ("kk", "Children", "Балалар"),
    ],
)
def test_the_compiled_catalogues_are_in_use(language, english, expected):
    with translation.override(language):
        assert expected in translation.gettext(english)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_compiled_catalogue_matches_its_source_message_by_message(language):
    """A .po edited without compilemessages would fail here: each msgid must give its msgstr."""
    checked = 0
    for entry in po_entries(language):
        if entry.plural is not None or not entry.translations:
            continue
        source, target = entry.message, entry.translations[0]
        with translation.override(language):
            if entry.context is not None:
                found = translation.pgettext(entry.context, source)
            else:
                found = translation.gettext(source)
            assert found == target, source
        checked += 1
    assert checked > 400


# An identifier of the code (birth_date, in_force_on) outside a placeholder. Messages of the API's
# serializers may name the API's own fields: an API client reads them next to `field`.
RAW_NAME = re.compile(r"(?<![%(\w.{])[a-z]+_[a-z_]+(?![\w)}])")


def test_no_message_a_user_reads_names_a_field_of_the_code():
    raw = []
    for entry in po_entries("ru"):
        if not entry.places or all("/api/" in place for place in entry.places):
            continue
        names = RAW_NAME.findall(entry.message)
        if names:
            raw.append((names, entry.message))
    assert raw == []


def test_a_future_date_is_refused_in_words_not_a_field_name(client, users):
    from tests.web.test_pages import login

    login(client, users["guardianship"])
    response = client.post(
        "/children/new/",
        {
            "last_name": "Будущий",
            "first_name": "Нет",
            "sex": "M",
            "birth_date": "2100-01-01",
            "identified_on": "2100-01-02",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    errors = " ".join(re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S))
    assert response.status_code == 400 and "будущем" in errors  # in words, next to the field
    assert RAW_NAME.findall(errors) == []


@pytest.mark.parametrize(
    "language, shown, short",
    [
        ("kk", "05.03.2026", "05.03.2026"),
        ("ru", "05.03.2026", "05.03.2026"),
        ("en", "March 5, 2026", "2026-03-05"),
    ],
)
def test_dates_read_in_the_order_of_each_language(language, shown, short):
    """Kazakh pages wrote dates in the US order ("March 5, 2026"): Django ships no Kazakh formats.
    Russian ones day first in digits too (issue 20: dd.mm.yyyy in ru and kk). English ones in
    digits year first, as their sentences: "03/05/2026" is the 3rd of May to a reader here."""
    import datetime

    from django.utils import formats

    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 3, 5)) == shown
        assert formats.date_format(datetime.date(2026, 3, 5), "SHORT_DATE_FORMAT") == short


@pytest.mark.parametrize("language, shown", [("ru", "05.03.2026"), ("kk", "05.03.2026"), ("en", "2026-03-05")])
def test_a_date_inside_a_sentence_reads_as_the_language_writes_it(language, shown):
    import datetime

    from core.dates import in_text

    with translation.override(language):
        assert in_text(datetime.date(2026, 3, 5)) == shown


@pytest.mark.django_db
def test_the_engines_sentences_carry_their_dates_day_first_in_russian(district):
    """Issue 20: "ISO dates inside sentences" in ru and kk."""
    from adoption import services
    from adoption.facts import eligibility
    from core.dates import right_arises, today
    from tests.adoption.conftest import make_applicant, make_child

    child = make_child(district, central_days_ago=20)
    foreigner = make_applicant(district)  # a US citizen living in the US
    case = services.open_case(actor=None, children=[child], applicants=[foreigner], opened_on=today())
    allowed = right_arises(child.register_entries.get(level="central").on, 3)
    for language, shown in (("ru", allowed.strftime("%d.%m.%Y")), ("en", allowed.isoformat())):
        with translation.override(language):
            wait = next(c for c in eligibility(case, today()).checks if c.code == "CENTRAL_REGISTER_WAIT")
        assert wait.status == "pending" and shown in str(wait.detail), (language, wait.detail)


GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"}


def test_no_message_is_marked_inside_an_f_string():
    """xgettext does not read an f-string's expressions: a message marked inside one is never
    extracted, so it is never translated (a child's timeline read "placed on the register",
    "monitoring report received (due ...)" in Russian and Kazakh). A sentence with values is
    one message with placeholders."""
    import ast

    hidden = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in GETTEXT:
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == []


def test_a_childs_timeline_reads_in_russian(client, users, district):
    from tests.adoption.conftest import make_child
    from tests.web.test_pages import login

    child = make_child(district)  # on the three registers, its parents' grounds documented
    login(client, users["guardianship"])
    client.cookies["django_language"] = "ru"
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "поставлен на учёт: " in page and "основание: " in page
    assert "placed on the register" not in page and "ground:" not in page


def test_the_catalogues_hold_every_message_of_the_code_and_no_other(tmp_path, settings, monkeypatch):
    """The project's makemessages (xgettext: Debian package gettext) over the code, into a copy of the catalogues.

    The code is linked into a scratch directory beside the copy, so that the run cannot touch locale/.
    """
    import shutil

    from django.core.management import call_command

    for entry in ROOT.iterdir():
        if entry.name != "locale" and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ru", "kk"], symlinks=True, no_obsolete=True, verbosity=0)
    for language in ("ru", "kk"):
        path = f"{language}/LC_MESSAGES/django.po"
        extracted = {(entry.context, entry.message) for entry in catalogue(tmp_path / "locale" / path)}
        committed = {(entry.context, entry.message) for entry in catalogue(ROOT / "locale" / path)}
        assert len(extracted) > 1000
        missing, obsolete = sorted(extracted - committed, key=str), sorted(committed - extracted, key=str)
        assert not missing, f"{language}: run makemessages and translate {missing}"
        assert not obsolete, f"{language}: the code no longer has {obsolete}"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    """A translation that drops or misspells %(date)s shows the reader a sentence without its date
    (or fails when the value is put in); each translation holds exactly its message's names."""

    def names(text: str) -> set[str]:
        return {a or b for a, b in PLACEHOLDER.findall(text)}

    differing, checked = [], 0
    for entry in po_entries(language):
        if not entry.translations:
            continue
        expected = names(entry.message) | names(entry.plural or "")
        for target in entry.translations:
            found = names(target)
            # a plural's forms may leave out the count, never a named value
            if found != expected and not (entry.plural is not None and found <= expected):
                differing.append((entry.message, sorted(expected), sorted(found)))
        checked += bool(expected)
    assert checked > 100, checked
    assert differing == []
