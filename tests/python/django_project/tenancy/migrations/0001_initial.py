from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255)),
            ],
            options={"db_table": "igny8_tenants"},
        ),
        migrations.CreateModel(
            name="Site",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255)),
                ("account", models.ForeignKey(db_column="tenant_id", on_delete=models.deletion.CASCADE, to="tenancy.account")),
            ],
            options={"db_table": "igny8_sites"},
        ),
        migrations.CreateModel(
            name="Sector",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255)),
                ("account", models.ForeignKey(db_column="tenant_id", on_delete=models.deletion.CASCADE, to="tenancy.account")),
                ("site", models.ForeignKey(on_delete=models.deletion.CASCADE, to="tenancy.site")),
            ],
            options={"db_table": "igny8_sectors"},
        ),
    ]
