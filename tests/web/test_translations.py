"""Kazakh and Russian translations are complete, compiled, and keep every placeholder."""

import re

import pytest
from django.utils import translation

from tests.conftest import ROOT

ENTRY = re.compile(r'^msgid "(.*?)"\n(?:msgid_plural "(.*?)"\n)?', re.M)


def po_entries(language):
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if "\nmsgid " in "\n" + b and 'msgid ""\nmsgstr ""\n"Project' not in b]
    return blocks


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_message_is_translated_and_not_fuzzy(language):
    untranslated = []
    for block in po_entries(language):
        if block.startswith("#~"):
            continue
        assert "#, fuzzy" not in block, block
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if any(not (first + "".join(re.findall(r'"(.*)"', rest))) for first, rest in strings):
            untranslated.append(block.split("\n")[-2])
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


def _unquote(first, rest):
    return (
        (first + "".join(re.findall(r'"(.*)"', rest)))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
    )


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_compiled_catalogue_matches_its_source_message_by_message(language):
    """A .po edited without compilemessages would fail here: each msgid must give its msgstr."""
    checked = 0
    for block in po_entries(language):
        if block.startswith("#~") or "msgid_plural" in block:
            continue
        msgid = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        msgstr = re.search(r'^msgstr "(.*)"((?:\n".*")*)', block, re.M)
        if not msgid or not msgstr:
            continue
        source, target = _unquote(*msgid.groups()), _unquote(*msgstr.groups())
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        with translation.override(language):
            found = translation.pgettext(context.group(1), source) if context else translation.gettext(source)
            assert found == target, source
        checked += 1
    assert checked > 400


# An identifier of the code (birth_date, in_force_on) outside a placeholder. Messages of the API's
# serializers may name the API's own fields: an API client reads them next to `field`.
RAW_NAME = re.compile(r"(?<![%(\w.{])[a-z]+_[a-z_]+(?![\w)}])")


def test_no_message_a_user_reads_names_a_field_of_the_code():
    text = (ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    raw = []
    for block in text.split("\n\n"):
        places = re.findall(r"^#: (.*)$", block, re.M)
        found = ENTRY.search(block)
        if not found or not places or all("/api/" in place for place in " ".join(places).split()):
            continue
        names = RAW_NAME.findall(found.group(1))
        if names:
            raw.append((names, found.group(1)))
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


def _catalogue_keys(path):
    """(context, message) of every live entry of a .po file, its strings unquoted."""
    keys = set()
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        if msgid is None:
            continue
        context = re.search(r'^msgctxt "(.*)"((?:\n".*")*)', block, re.M)
        keys.add((context and _unquote(*context.groups()), _unquote(*msgid.groups())))
    keys.discard((None, ""))  # the header
    return keys


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
        catalogue = f"{language}/LC_MESSAGES/django.po"
        extracted = _catalogue_keys(tmp_path / "locale" / catalogue)
        committed = _catalogue_keys(ROOT / "locale" / catalogue)
        assert len(extracted) > 1000
        missing, obsolete = sorted(extracted - committed, key=str), sorted(committed - extracted, key=str)
        assert not missing, f"{language}: run makemessages and translate {missing}"
        assert not obsolete, f"{language}: the code no longer has {obsolete}"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    """A translation that drops or misspells %(date)s shows the reader a sentence without its date
    (or fails when the value is put in); each translation holds exactly its message's names."""
    differing, checked = [], 0
    for block in po_entries(language):
        if block.startswith("#~"):
            continue
        source = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        targets = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        plural = re.search(r'^msgid_plural "(.*)"((?:\n".*")*)', block, re.M)
        if not source or not targets:
            continue
        names = {a or b for a, b in PLACEHOLDER.findall(_unquote(*source.groups()))}
        if plural:  # a plural's forms may leave out the count, never a named value
            names |= {a or b for a, b in PLACEHOLDER.findall(_unquote(*plural.groups()))}
        for target in targets:
            found = {a or b for a, b in PLACEHOLDER.findall(_unquote(*target))}
            if found != names and not (plural and found <= names):
                differing.append((_unquote(*source.groups()), sorted(names), sorted(found)))
        checked += bool(names)
    assert checked > 100, checked
    assert differing == []
