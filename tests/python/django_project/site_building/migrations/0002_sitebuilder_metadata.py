from django.db import migrations, models

SEED = {
    "BusinessType": ["Local service", "E-commerce", "SaaS"],
    "AudienceProfile": ["Small business owners", "Young families"],
    "BrandPersonality": ["Warm", "Bold"],
    "HeroImageryDirection": ["People at work", "Product close-ups"],
}


def seed_site_builder_metadata(apps, schema_editor):
    for model_name, names in SEED.items():
        model = apps.get_model("site_building", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"order": order, "description": name})


def option(name, table):
    return migrations.CreateModel(
        name=name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("name", models.CharField(max_length=120, unique=True)),
            ("description", models.CharField(blank=True, max_length=255)),
            ("is_active", models.BooleanField(default=True)),
            ("order", models.PositiveIntegerField(default=0)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("updated_at", models.DateTimeField(auto_now=True)),
        ],
        options={"db_table": table},
    )


class Migration(migrations.Migration):
    dependencies = [("site_building", "0001_initial")]
    operations = [
        option("BusinessType", "igny8_site_builder_business_types"),
        option("AudienceProfile", "igny8_site_builder_audience_profiles"),
        option("BrandPersonality", "igny8_site_builder_brand_personalities"),
        option("HeroImageryDirection", "igny8_site_builder_hero_imagery"),
        migrations.RunPython(seed_site_builder_metadata, migrations.RunPython.noop),
    ]
