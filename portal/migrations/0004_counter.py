# The kernel's one counter table (issue 9): replaces applications.CodeCounter,
# applications.TicketCounter and feedback.ReportCounter, whose rows those apps' next migrations
# copy here before dropping their tables.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_external_identity'),
    ]

    operations = [
        migrations.CreateModel(
            name='Counter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=40, verbose_name='scope')),
                ('unit_id', models.BigIntegerField(verbose_name='unit')),
                ('day', models.DateField(verbose_name='day')),
                ('last', models.PositiveIntegerField(default=0, verbose_name='last number')),
            ],
            options={
                'verbose_name': 'counter',
                'verbose_name_plural': 'counters',
                'constraints': [models.UniqueConstraint(fields=('scope', 'unit_id', 'day'), name='uniq_counter')],
            },
        ),
    ]
