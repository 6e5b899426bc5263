"""A monitoring report received with its file: what it says and its file are read on the child's
page by the readers of that page (a read of the child's record), under a name that is never the
one it was uploaded with; a file too large is refused; a restore without the files is found."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings

from consular import services
from consular.models import MonitoringReport
from core.audit import reads_of_q
from core.models import AuditEvent
from tests.adoption.conftest import adopt_abroad, ago
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4 a scanned report on the child's living conditions"


def received(child, us_post, *, name="Сериков-report.PDF", summary="Visited at home.\nThe child is well."):
    services.register_child(actor=None, child=child, post=us_post, number="US-31", registered_on=ago(20))
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    return services.record_monitoring_report(
        actor=None, child=child, due_on=due_on, received_on=ago(1), summary=summary, attachment=ContentFile(SCAN, name)
    )


def test_a_reports_summary_and_file_are_read_on_the_childs_page(client, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=200)
    report = received(child, us_post)
    link = f'href="/adopted/{child.pk}/reports/{report.pk}/file/"'
    for role in ("consular", "ministry", "guardianship", "auditor"):
        page = login(client, users[role]).get(f"/adopted/{child.pk}/").content.decode()
        assert "Visited at home.<br>The child is well." in page and link in page, role
        before = AuditEvent.objects.filter(reads_of_q(str(child.pk)), actor=users[role]).count()
        response = client.get(f"/adopted/{child.pk}/reports/{report.pk}/file/")
        assert response.status_code == 200 and b"".join(response.streaming_content) == SCAN, role
        assert response["Content-Disposition"] == (
            f'attachment; filename="monitoring-report-{child.pk}-{report.due_on.isoformat()}.pdf"'
        )  # the child's number, never the name the scan was uploaded with
        assert "no-store" in response["Cache-Control"], role
        assert AuditEvent.objects.filter(reads_of_q(str(child.pk)), actor=users[role]).count() > before, role
    for role in ("other_consular", "other_guardianship"):  # another country's post, another district
        assert login(client, users[role]).get(f"/adopted/{child.pk}/reports/{report.pk}/file/").status_code == 404
    assert login(client, users["court"]).get(f"/adopted/{child.pk}/reports/{report.pk}/file/").status_code == 403
    _other_case, other = adopt_abroad(district, court, in_force_ago=200, last_name="Other")
    login(client, users["consular"])  # a report is read under its own child only
    assert client.get(f"/adopted/{other.pk}/reports/{report.pk}/file/").status_code == 404


def test_a_report_without_a_file_has_no_link_and_a_lost_file_is_said_so(client, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=200)
    report = received(child, us_post)
    MonitoringReport.objects.filter(pk=report.pk).update(attachment="")
    page = login(client, users["consular"]).get(f"/adopted/{child.pk}/").content.decode()
    assert "Visited at home." in page and "/reports/" not in page
    assert client.get(f"/adopted/{child.pk}/reports/{report.pk}/file/").status_code == 404
    MonitoringReport.objects.filter(pk=report.pk).update(attachment=report.attachment.name)
    default_storage.delete(report.attachment.name)  # a restore without the files
    lost = client.get(f"/adopted/{child.pk}/reports/{report.pk}/file/", follow=True)
    assert lost.redirect_chain == [(f"/adopted/{child.pk}/", 302)]
    assert "The file of this report is missing from the storage" in lost.content.decode()


def test_the_consistency_check_finds_a_reports_file_missing(district, court, us_post, capsys):
    _case, child = adopt_abroad(district, court, in_force_ago=200)
    report = received(child, us_post)
    call_command("check_consistency")
    assert "monitoring_reports: 1" in capsys.readouterr().out
    default_storage.delete(report.attachment.name)
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")
    assert f"monitoring report #{report.pk} of child #{child.pk}" in capsys.readouterr().err


@override_settings(MONITORING_REPORT_MAX_BYTES=1000)
def test_a_file_larger_than_the_limit_is_refused_naming_the_field(client, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=200)
    services.register_child(actor=None, child=child, post=us_post, number="US-31", registered_on=ago(20))
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    login(client, users["consular"])

    def send(size):
        scan = ContentFile(b"x" * size, name="scan.pdf")
        return client.post(
            f"/adopted/{child.pk}/",
            {"due_on": due_on.isoformat(), "received_on": ago(1).isoformat(), "attachment": scan},
        )

    refused = send(1001)
    assert refused.status_code == 400 and "The file is larger than 1000" in refused.content.decode()
    assert "scan it at a lower resolution" in refused.content.decode()
    assert not MonitoringReport.objects.exists()
    assert send(1000).status_code == 302 and MonitoringReport.objects.count() == 1  # at the limit: received


def test_the_api_answers_where_to_get_a_reports_file_and_serves_it_in_scope(api, users, district, court, us_post):
    """The answer named the storage's own path, which no route serves."""
    _case, child = adopt_abroad(district, court, in_force_ago=200)
    services.register_child(actor=None, child=child, post=us_post, number="US-31", registered_on=ago(20))
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    sent = api(users["consular"]).post(
        "/api/v1/monitoring-reports/",
        {
            "child": child.pk,
            "due_on": due_on.isoformat(),
            "received_on": ago(1).isoformat(),
            "attachment": ContentFile(SCAN, name="Сериков.pdf"),
        },
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    report = MonitoringReport.objects.get()
    assert sent.json()["attachment"] == f"/api/v1/monitoring-reports/{report.pk}/file/"
    for role in ("consular", "ministry", "guardianship", "auditor"):
        answer = api(users[role]).get(f"/api/v1/monitoring-reports/{report.pk}/file/")
        assert answer.status_code == 200 and b"".join(answer.streaming_content) == SCAN, role
        assert answer["Content-Disposition"] == (
            f'attachment; filename="monitoring-report-{child.pk}-{due_on.isoformat()}.pdf"'
        ), role
    assert AuditEvent.objects.filter(reads_of_q(str(child.pk)), actor=users["auditor"]).exists()
    for role, status in (("other_consular", 404), ("other_guardianship", 404), ("court", 403)):
        assert api(users[role]).get(f"/api/v1/monitoring-reports/{report.pk}/file/").status_code == status, role
    assert report.attachment.name
    default_storage.delete(report.attachment.name)
    lost = api(users["ministry"]).get(f"/api/v1/monitoring-reports/{report.pk}/file/")
    assert lost.status_code == 404 and "missing from the storage" in lost.json()["errors"][0]["message"]
    MonitoringReport.objects.filter(pk=report.pk).update(attachment="")
    assert api(users["ministry"]).get(f"/api/v1/monitoring-reports/{report.pk}/file/").status_code == 404
