from django.db import migrations, models

TENANT = [
    ("created_at", models.DateTimeField(auto_now_add=True)),
    ("updated_at", models.DateTimeField(auto_now=True)),
]


def fks():
    return [
        ("account", models.ForeignKey(db_column="tenant_id", on_delete=models.deletion.CASCADE, to="tenancy.account")),
        ("site", models.ForeignKey(on_delete=models.deletion.CASCADE, to="tenancy.site")),
        ("sector", models.ForeignKey(on_delete=models.deletion.CASCADE, to="tenancy.sector")),
    ]


class Migration(migrations.Migration):
    initial = True
    dependencies = [("tenancy", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="SiteBlueprint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                *TENANT,
                ("name", models.CharField(max_length=255)),
                ("description", models.TextField(blank=True, null=True)),
                ("config_json", models.JSONField(default=dict)),
                ("structure_json", models.JSONField(default=dict)),
                ("status", models.CharField(default="draft", max_length=20)),
                ("hosting_type", models.CharField(default="igny8_sites", max_length=50)),
                ("version", models.IntegerField(default=1)),
                ("deployed_version", models.IntegerField(blank=True, null=True)),
                *fks(),
            ],
            options={"db_table": "igny8_site_blueprints"},
        ),
        migrations.CreateModel(
            name="PageBlueprint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                *TENANT,
                ("slug", models.SlugField(max_length=255)),
                ("title", models.CharField(max_length=255)),
                ("type", models.CharField(default="custom", max_length=50)),
                ("blocks_json", models.JSONField(default=list)),
                ("status", models.CharField(default="draft", max_length=20)),
                ("order", models.IntegerField(default=0)),
                *fks(),
                (
                    "site_blueprint",
                    models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="pages", to="site_building.siteblueprint"),
                ),
            ],
            options={"db_table": "igny8_page_blueprints", "unique_together": {("site_blueprint", "slug")}},
        ),
    ]
