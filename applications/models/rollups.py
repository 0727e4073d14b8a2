"""The dashboard's exact rollup of dossiers (ADR 0015): kept by PostgreSQL triggers in the same
transaction as every write to a dossier, its clock stops or its rating (`applications/sql/
rollup.sql`), read by `applications.selectors.rollups`. Plain integer keys, no foreign keys: the
triggers write here on every dossier write and must stay cheap."""

from django.db import models

MEASURES = (
    "received",
    "received_online_full",
    "refused",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "rated",
    "rating_sum",
    "open",
    "open_inherited",
    "overdue",
    "waiting_citizen",
    "waiting_desk",
    # For Decision 766: received with a fee, received with files, results sent electronically.
    "received_fee",
    "received_digitised",
    "finished_e_result",
    # The average working time: the finished dossiers whose working time is known, its sum.
    "timed",
    "working_seconds",
)


class _Measures(models.Model):
    unit_id = models.IntegerField()
    field_id = models.IntegerField()
    channel = models.CharField(max_length=10)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.field_id}/{self.channel}"


class DossierRollup(_Measures):
    """Per handling unit, field, channel and Vietnam day: how far each figure moves that day
    (flows: what happened; stocks: entered less left)."""

    day = models.DateField()
    received = models.BigIntegerField(default=0)
    received_online_full = models.BigIntegerField(default=0)
    refused = models.BigIntegerField(default=0)
    finished_early = models.BigIntegerField(default=0)
    finished_on_time = models.BigIntegerField(default=0)
    finished_late = models.BigIntegerField(default=0)
    rated = models.BigIntegerField(default=0)
    rating_sum = models.BigIntegerField(default=0)
    open = models.BigIntegerField(default=0)
    open_inherited = models.BigIntegerField(default=0)
    overdue = models.BigIntegerField(default=0)
    waiting_citizen = models.BigIntegerField(default=0)
    waiting_desk = models.BigIntegerField(default=0)
    received_fee = models.BigIntegerField(default=0)
    received_digitised = models.BigIntegerField(default=0)
    finished_e_result = models.BigIntegerField(default=0)
    timed = models.BigIntegerField(default=0)
    working_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "field_id", "channel", "day"], name="dossier_rollup_key"
            )
        ]
        indexes = [models.Index(fields=["day"], name="dossier_rollup_day")]


class DossierRollupUnit(models.Model):
    """The same without the field: what the city's and a ward's pages sum (a year is at most
    units x channels x 366 rows, however many dossiers)."""

    unit_id = models.IntegerField()
    channel = models.CharField(max_length=10)
    day = models.DateField()
    received = models.BigIntegerField(default=0)
    received_online_full = models.BigIntegerField(default=0)
    refused = models.BigIntegerField(default=0)
    finished_early = models.BigIntegerField(default=0)
    finished_on_time = models.BigIntegerField(default=0)
    finished_late = models.BigIntegerField(default=0)
    rated = models.BigIntegerField(default=0)
    rating_sum = models.BigIntegerField(default=0)
    open = models.BigIntegerField(default=0)
    open_inherited = models.BigIntegerField(default=0)
    overdue = models.BigIntegerField(default=0)
    waiting_citizen = models.BigIntegerField(default=0)
    waiting_desk = models.BigIntegerField(default=0)
    received_fee = models.BigIntegerField(default=0)
    received_digitised = models.BigIntegerField(default=0)
    finished_e_result = models.BigIntegerField(default=0)
    timed = models.BigIntegerField(default=0)
    working_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "channel", "day"], name="dossier_rollup_unit_key"
            )
        ]
        indexes = [models.Index(fields=["day"], name="dossier_rollup_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.channel}/{self.day}"


class DossierRollupMonth(models.Model):
    """`DossierRollupUnit`'s days added up per month (`day` the month's first day): a period's
    whole months are read from here, so a year is at most 12 months and two partial months'
    days per unit and channel. Kept from the day table's own writes by a trigger on it
    (`applications/sql/rollup_month.sql`)."""

    unit_id = models.IntegerField()
    channel = models.CharField(max_length=10)
    day = models.DateField()
    received = models.BigIntegerField(default=0, db_default=0)
    received_online_full = models.BigIntegerField(default=0, db_default=0)
    refused = models.BigIntegerField(default=0, db_default=0)
    finished_early = models.BigIntegerField(default=0, db_default=0)
    finished_on_time = models.BigIntegerField(default=0, db_default=0)
    finished_late = models.BigIntegerField(default=0, db_default=0)
    rated = models.BigIntegerField(default=0, db_default=0)
    rating_sum = models.BigIntegerField(default=0, db_default=0)
    open = models.BigIntegerField(default=0, db_default=0)
    open_inherited = models.BigIntegerField(default=0, db_default=0)
    overdue = models.BigIntegerField(default=0, db_default=0)
    waiting_citizen = models.BigIntegerField(default=0, db_default=0)
    waiting_desk = models.BigIntegerField(default=0, db_default=0)
    received_fee = models.BigIntegerField(default=0, db_default=0)
    received_digitised = models.BigIntegerField(default=0, db_default=0)
    finished_e_result = models.BigIntegerField(default=0, db_default=0)
    timed = models.BigIntegerField(default=0, db_default=0)
    working_seconds = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit_id", "channel"], name="dossier_rollup_month_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.channel}/{self.day}"


class DossierRollupTotal(_Measures):
    """Every day's moves added up, per unit, field and channel: a stock at a moment is this
    less the moves from that moment on (so a period's figures read only its own days)."""

    received = models.BigIntegerField(default=0)
    received_online_full = models.BigIntegerField(default=0)
    refused = models.BigIntegerField(default=0)
    finished_early = models.BigIntegerField(default=0)
    finished_on_time = models.BigIntegerField(default=0)
    finished_late = models.BigIntegerField(default=0)
    rated = models.BigIntegerField(default=0)
    rating_sum = models.BigIntegerField(default=0)
    open = models.BigIntegerField(default=0)
    open_inherited = models.BigIntegerField(default=0)
    overdue = models.BigIntegerField(default=0)
    waiting_citizen = models.BigIntegerField(default=0)
    waiting_desk = models.BigIntegerField(default=0)
    received_fee = models.BigIntegerField(default=0)
    received_digitised = models.BigIntegerField(default=0)
    finished_e_result = models.BigIntegerField(default=0)
    timed = models.BigIntegerField(default=0)
    working_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "field_id", "channel"], name="dossier_rollup_total_key"
            )
        ]


class DossierRollupAhead(_Measures):
    """The same moves at their exact moment, for those at or after the write that made them
    (a due moment still to come): what a figure judged now, mid-day, takes back."""

    at = models.DateTimeField()
    m = models.CharField(max_length=24)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["at", "unit_id", "field_id", "channel", "m"],
                name="dossier_rollup_ahead_key",
            )
        ]


# The stats cohort (`applications.selectors.stats`): what the dossiers received on a day are now.
COHORT_MEASURES = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    # In progress, the clock stopped after the due moment: overdue whatever the hour.
    "stopped_late",
    # In progress, the clock running, with a due moment: overdue once it has passed (the reader
    # takes away those not yet due, a narrow read of the dossiers).
    "running_due",
    "rated",
    "satisfied",
    "overall_sum",
    "time_sum",
    "attitude_sum",
    "guidance_sum",
    "transparency_sum",
    "complaints",
)


class DossierCohort(_Measures):
    """Per handling unit, field, channel and Vietnam day of reception: how many dossiers
    received that day are now in each state the stats API counts (ADR 0015, `applications/sql/
    cohort.sql`). A dossier's write moves it from one cell to another; nothing depends on the
    hour but whether a running clock has passed its due moment."""

    day = models.DateField()
    received = models.BigIntegerField(default=0, db_default=0)
    resolved_early = models.BigIntegerField(default=0, db_default=0)
    resolved_on_time = models.BigIntegerField(default=0, db_default=0)
    resolved_late = models.BigIntegerField(default=0, db_default=0)
    in_progress = models.BigIntegerField(default=0, db_default=0)
    stopped_late = models.BigIntegerField(default=0, db_default=0)
    running_due = models.BigIntegerField(default=0, db_default=0)
    rated = models.BigIntegerField(default=0, db_default=0)
    satisfied = models.BigIntegerField(default=0, db_default=0)
    overall_sum = models.BigIntegerField(default=0, db_default=0)
    time_sum = models.BigIntegerField(default=0, db_default=0)
    attitude_sum = models.BigIntegerField(default=0, db_default=0)
    guidance_sum = models.BigIntegerField(default=0, db_default=0)
    transparency_sum = models.BigIntegerField(default=0, db_default=0)
    complaints = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "field_id", "channel", "day"], name="dossier_cohort_key"
            )
        ]
        indexes = [models.Index(fields=["day"], name="dossier_cohort_day")]


class DossierCohortPart(models.Model):
    """The stats cohort (`DossierCohort`) summed per handling unit (`kind` "unit") or per field
    (`kind` "field"), channel and Vietnam day of reception, and again per month (`monthly`, `day`
    its first day): what the pages without a field (or without a unit) sum, so that a year is at
    most 12 months and the days of two partial months per unit or field and channel, however
    many dossiers. Kept from the cohort's own writes by a trigger on it (ADR 0015, `applications/
    sql/cohort_part.sql`)."""

    kind = models.CharField(max_length=5)
    key_id = models.IntegerField()
    channel = models.CharField(max_length=10)
    monthly = models.BooleanField()
    day = models.DateField()
    received = models.BigIntegerField(default=0, db_default=0)
    resolved_early = models.BigIntegerField(default=0, db_default=0)
    resolved_on_time = models.BigIntegerField(default=0, db_default=0)
    resolved_late = models.BigIntegerField(default=0, db_default=0)
    in_progress = models.BigIntegerField(default=0, db_default=0)
    stopped_late = models.BigIntegerField(default=0, db_default=0)
    running_due = models.BigIntegerField(default=0, db_default=0)
    rated = models.BigIntegerField(default=0, db_default=0)
    satisfied = models.BigIntegerField(default=0, db_default=0)
    overall_sum = models.BigIntegerField(default=0, db_default=0)
    time_sum = models.BigIntegerField(default=0, db_default=0)
    attitude_sum = models.BigIntegerField(default=0, db_default=0)
    guidance_sum = models.BigIntegerField(default=0, db_default=0)
    transparency_sum = models.BigIntegerField(default=0, db_default=0)
    complaints = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "monthly", "day", "key_id", "channel"],
                name="dossier_cohort_part_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_id}/{self.channel}/{self.day}"
