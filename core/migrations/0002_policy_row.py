from django.db import migrations


def create_policy(apps, schema_editor):
    # The one row of policy parameters exists from the start, with the defaults of RULES.md.
    apps.get_model("core", "Policy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
