"""The outbox written in bulk: many notices in one statement of column arrays (PostgreSQL).

`services.notify_many` (the sweeps' thousands of notices) and `services.notify_each` (the few
notices of one event) call it; the rows are those `Notice.row` describes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection

from portal.notifications.models import Notification

if TYPE_CHECKING:
    from portal.notifications.services import Notice

_INSERT_MANY = """
    INSERT INTO {table} (recipient_id, recipient_address, recipient_phone, channel, template,
                         context, language, dossier_id, status, attempts, last_error, dedupe_key,
                         created_at, updated_at, sent_at, read_at)
    SELECT recipient, address, phone, channel, template, context, language, dossier, status, 0,
           '', key, %(now)s, %(now)s, CASE WHEN status = %(sent)s THEN %(now)s END, NULL
    FROM unnest(%(recipient)s::bigint[], %(address)s::text[], %(phone)s::text[],
                %(channel)s::text[], %(template)s::text[], %(context)s::jsonb[],
                %(language)s::text[], %(dossier)s::bigint[], %(status)s::text[], %(key)s::text[])
         AS u(recipient, address, phone, channel, template, context, language, dossier, status,
              key)
    ON CONFLICT DO NOTHING
    RETURNING id, channel
"""


def insert_many(notices: Sequence[Notice], now: datetime) -> list[tuple[int, str]]:
    """The rows `Notice.row` describes, in one statement of column arrays (a sweep's thousands
    of notices without a model instance each); a key already stored is skipped. Returns the id
    and channel of each row stored."""
    inapp = Notification.Channel.INAPP
    sent, pending = Notification.Status.SENT, Notification.Status.PENDING
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_MANY.format(table=connection.ops.quote_name(Notification._meta.db_table)),
            {
                "now": now,
                "sent": str(sent),
                "recipient": [getattr(n.recipient, "pk", None) for n in notices],
                "address": [n.address for n in notices],
                "phone": [n.phone for n in notices],
                "channel": [str(n.channel) for n in notices],
                "template": [n.template for n in notices],
                "context": [json.dumps(n.context) for n in notices],
                "language": [n.language for n in notices],
                "dossier": [n.dossier_id for n in notices],
                "status": [str(sent if n.channel == inapp else pending) for n in notices],
                "key": [n.dedupe_key[:200] for n in notices],
            },
        )
        return [(pk, channel) for pk, channel in cursor.fetchall()]
