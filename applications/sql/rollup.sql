-- The dashboard's exact rollup of dossiers (ADR 0015). Every figure of portal/dashboard/figures.py
-- that can be is a sum over `applications_dossierrollup`: per handling unit, field, channel and
-- Vietnam day, how much each figure's count moves that day. A flow (received, finished early...)
-- adds 1 on the day it happens; a stock (open, overdue, waiting...) adds 1 on the day a dossier
-- enters it and takes 1 away on the day it leaves, so the stock at a midnight is the sum of the
-- days before it. Moments that lie ahead of the write (a due moment still to come, future-dated
-- data) are also kept at their exact moment in `applications_dossierrollupahead`, so that a
-- figure judged now (mid-day) stays exact: the days up to tomorrow's midnight, less what lies
-- between now and then.
--
-- An indicator "a < T <= b" (in at T, out when b < T) is an event +1 at a and -1 at b; a figure
-- at T is the sum of events before T. Conditions "x <= T" start at x - 1 microsecond, "x > T"
-- ends at x - 1 microsecond, so that each is exactly the selectors' Q (applications/selectors/
-- stats.py), equality included.

CREATE TYPE dossier_rollup_event AS (
    unit_id integer, field_id integer, channel varchar(10), at timestamptz, m text, n bigint
);

CREATE OR REPLACE FUNCTION dossier_rollup_clock() RETURNS timestamptz LANGUAGE sql STABLE AS $$
    -- The write's moment; tests that judge at a made-up "now" set motcua.rollup_now.
    SELECT COALESCE(NULLIF(current_setting('motcua.rollup_now', true), '')::timestamptz,
                    statement_timestamp())
$$;

CREATE OR REPLACE FUNCTION dossier_rollup_events(
    d applications_dossier, field bigint, is_full boolean,
    stop_starts timestamptz[], stop_ends timestamptz[], stop_late boolean[],
    rating integer, sign integer, has_files boolean DEFAULT false
) RETURNS SETOF dossier_rollup_event LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    eps CONSTANT interval := interval '1 microsecond';
    inf CONSTANT timestamptz := 'infinity';
    finished boolean := d.state IN ('resolved', 'rejected', 'returned');
    processing boolean := d.state IN ('received', 'in_review', 'awaiting_approval',
                                      'awaiting_supplement', 'awaiting_payment');
    waiting boolean := d.state IN ('awaiting_supplement', 'awaiting_payment');
    word text;
    oa timestamptz; ob timestamptz;        -- open: (oa, ob]
    sa timestamptz[] := '{}'; sb timestamptz[] := '{}'; sl boolean[] := '{}';
    a timestamptz; b timestamptz; cur timestamptz;
    i integer;
    ev dossier_rollup_event;
BEGIN
    ev.unit_id := d.handling_unit_id; ev.field_id := field; ev.channel := d.channel;
    -- Flows.
    IF d.received_at IS NOT NULL THEN
        ev.at := d.received_at; ev.m := 'received'; ev.n := sign; RETURN NEXT ev;
        IF d.channel = 'online' AND is_full THEN ev.m := 'received_online_full'; RETURN NEXT ev; END IF;
        IF coalesce(d.fee_vnd, 0) > 0 THEN ev.m := 'received_fee'; RETURN NEXT ev; END IF;
        IF has_files THEN ev.m := 'received_digitised'; RETURN NEXT ev; END IF;
    END IF;
    IF d.state = 'refused' AND d.closed_at IS NOT NULL THEN
        ev.at := d.closed_at; ev.m := 'refused'; ev.n := sign; RETURN NEXT ev;
    END IF;
    IF finished AND d.resolved_at IS NOT NULL THEN
        IF d.due_at IS NULL THEN word := 'on_time';
        ELSIF d.resolved_at > d.due_at THEN word := 'late';
        ELSIF (d.resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
              < (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN word := 'early';
        ELSE word := 'on_time';
        END IF;
        ev.at := d.resolved_at; ev.m := 'finished_' || word; ev.n := sign; RETURN NEXT ev;
        IF d.return_method = 'electronic' THEN ev.m := 'finished_e_result'; RETURN NEXT ev; END IF;
        IF rating IS NOT NULL THEN
            ev.m := 'rated'; ev.n := sign; RETURN NEXT ev;
            ev.m := 'rating_sum'; ev.n := sign * rating; RETURN NEXT ev;
        END IF;
        -- The working time it took (Dossier.working_seconds, set with the result).
        IF d.working_seconds IS NOT NULL THEN
            ev.m := 'timed'; ev.n := sign; RETURN NEXT ev;
            ev.m := 'working_seconds'; ev.n := sign * d.working_seconds; RETURN NEXT ev;
        END IF;
    END IF;
    -- Waiting for the desk: sent, not yet received, refused or withdrawn.
    IF d.submitted_at IS NOT NULL THEN
        a := d.submitted_at; b := NULL;
        IF d.received_at IS NOT NULL THEN b := d.received_at;
        ELSIF d.state = 'submitted' THEN b := inf;
        ELSIF d.closed_at IS NOT NULL THEN b := d.closed_at - eps;
        END IF;
        IF b IS NOT NULL AND a < b THEN
            ev.m := 'waiting_desk';
            ev.at := a; ev.n := sign; RETURN NEXT ev;
            IF b < inf THEN ev.at := b; ev.n := -sign; RETURN NEXT ev; END IF;
        END IF;
    END IF;
    -- Open: received before T and not finished, withdrawn or stopped by then.
    IF d.received_at IS NULL THEN RETURN; END IF;
    oa := d.received_at;
    IF processing THEN ob := inf;
    ELSIF finished AND d.resolved_at IS NOT NULL THEN ob := d.resolved_at - eps;
    ELSIF d.state IN ('withdrawn', 'stopped') AND d.closed_at IS NOT NULL THEN ob := d.closed_at - eps;
    ELSE RETURN;
    END IF;
    IF oa >= ob THEN RETURN; END IF;
    ev.m := 'open'; ev.at := oa; ev.n := sign; RETURN NEXT ev;
    IF ob < inf THEN ev.at := ob; ev.n := -sign; RETURN NEXT ev; END IF;
    IF d.is_transferred THEN
        ev.m := 'open_inherited'; ev.at := oa; ev.n := sign; RETURN NEXT ev;
        IF ob < inf THEN ev.at := ob; ev.n := -sign; RETURN NEXT ev; END IF;
    END IF;
    -- Clock stops, clipped to the open interval, in order: the ended ones recorded, then the
    -- current one (a waiting state since clock_stopped_at).
    IF stop_starts IS NOT NULL THEN
        FOR i IN 1 .. coalesce(array_length(stop_starts, 1), 0) LOOP
            sa := sa || (stop_starts[i] - eps); sb := sb || (stop_ends[i] - eps);
            sl := sl || coalesce(stop_late[i], false);
        END LOOP;
    END IF;
    IF waiting AND d.clock_stopped_at IS NOT NULL THEN
        sa := sa || (d.clock_stopped_at - eps); sb := sb || inf;
        sl := sl || coalesce(d.clock_stopped_at > d.due_at, false);
    END IF;
    FOR i IN 1 .. coalesce(array_length(sa, 1), 0) LOOP
        a := greatest(sa[i], oa); b := least(sb[i], ob);
        IF a < b THEN
            ev.m := 'waiting_citizen'; ev.at := a; ev.n := sign; RETURN NEXT ev;
            IF b < inf THEN ev.at := b; ev.n := -sign; RETURN NEXT ev; END IF;
            IF sl[i] THEN
                ev.m := 'overdue'; ev.at := a; ev.n := sign; RETURN NEXT ev;
                IF b < inf THEN ev.at := b; ev.n := -sign; RETURN NEXT ev; END IF;
            END IF;
        END IF;
    END LOOP;
    -- Overdue while the clock runs: past the due moment, outside the stops.
    IF d.due_at IS NULL THEN RETURN; END IF;
    cur := greatest(d.due_at, oa);
    ev.m := 'overdue';
    FOR i IN 1 .. coalesce(array_length(sa, 1), 0) LOOP
        EXIT WHEN cur >= ob;
        IF sb[i] <= cur THEN CONTINUE; END IF;
        IF sa[i] > cur THEN
            b := least(sa[i], ob);
            ev.at := cur; ev.n := sign; RETURN NEXT ev;
            IF b < inf THEN ev.at := b; ev.n := -sign; RETURN NEXT ev; END IF;
        END IF;
        cur := greatest(cur, sb[i]);
    END LOOP;
    IF cur < ob THEN
        ev.at := cur; ev.n := sign; RETURN NEXT ev;
        IF ob < inf THEN ev.at := ob; ev.n := -sign; RETURN NEXT ev; END IF;
    END IF;
END
$$;

-- The context of a dossier for its events: its field, online level, ended stops and rating.
CREATE OR REPLACE FUNCTION dossier_rollup_of(d applications_dossier, sign integer)
RETURNS SETOF dossier_rollup_event LANGUAGE sql STABLE AS $$
    SELECT e.* FROM procedures_procedure p
    JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
    CROSS JOIN LATERAL (
        SELECT array_agg(s.started_at ORDER BY s.started_at) AS starts,
               array_agg(s.ended_at ORDER BY s.started_at) AS ends,
               array_agg(coalesce(s.started_at > s.due_before, false) ORDER BY s.started_at) AS late
        FROM applications_clockstop s WHERE s.dossier_id = d.id AND s.ended_at IS NOT NULL
    ) st
    LEFT JOIN applications_rating r ON r.dossier_id = d.id
    CROSS JOIN LATERAL dossier_rollup_events(
        d, p.field_id, v.online_level = 'full', st.starts, st.ends, st.late, r.overall::integer, sign,
        EXISTS (SELECT 1 FROM applications_attachment a WHERE a.dossier_id = d.id)) e
    WHERE p.id = d.procedure_id
$$;

-- Adds events to the daily rollup, and those at or after the write's moment (less a margin for
-- requests that began before it) to the table of moments ahead.
CREATE OR REPLACE FUNCTION dossier_rollup_flush(events dossier_rollup_event[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF events IS NULL OR cardinality(events) = 0 THEN RETURN; END IF;
    INSERT INTO applications_dossierrollup AS r (
        unit_id, field_id, channel, day, received, received_online_full, refused,
        finished_early, finished_on_time, finished_late, rated, rating_sum,
        open, open_inherited, overdue, waiting_citizen, waiting_desk,
        received_fee, received_digitised, finished_e_result, timed, working_seconds)
    SELECT unit_id, field_id, channel, (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
        coalesce(sum(n) FILTER (WHERE m = 'received'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_online_full'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'refused'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_early'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_on_time'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_late'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rated'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rating_sum'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open_inherited'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'overdue'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_citizen'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_desk'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_fee'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_digitised'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_e_result'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'timed'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'working_seconds'), 0)
    FROM unnest(events) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, field_id, channel, day) DO UPDATE SET
        received = r.received + excluded.received,
        received_online_full = r.received_online_full + excluded.received_online_full,
        refused = r.refused + excluded.refused,
        finished_early = r.finished_early + excluded.finished_early,
        finished_on_time = r.finished_on_time + excluded.finished_on_time,
        finished_late = r.finished_late + excluded.finished_late,
        rated = r.rated + excluded.rated,
        rating_sum = r.rating_sum + excluded.rating_sum,
        open = r.open + excluded.open,
        open_inherited = r.open_inherited + excluded.open_inherited,
        overdue = r.overdue + excluded.overdue,
        waiting_citizen = r.waiting_citizen + excluded.waiting_citizen,
        waiting_desk = r.waiting_desk + excluded.waiting_desk,
        received_fee = r.received_fee + excluded.received_fee,
        received_digitised = r.received_digitised + excluded.received_digitised,
        finished_e_result = r.finished_e_result + excluded.finished_e_result,
        timed = r.timed + excluded.timed,
        working_seconds = r.working_seconds + excluded.working_seconds;
    INSERT INTO applications_dossierrollupunit AS r (unit_id, channel, day, received, received_online_full, refused,
        finished_early, finished_on_time, finished_late, rated, rating_sum,
        open, open_inherited, overdue, waiting_citizen, waiting_desk,
        received_fee, received_digitised, finished_e_result, timed, working_seconds)
    SELECT unit_id, channel, (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
        coalesce(sum(n) FILTER (WHERE m = 'received'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_online_full'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'refused'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_early'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_on_time'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_late'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rated'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rating_sum'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open_inherited'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'overdue'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_citizen'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_desk'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_fee'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_digitised'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_e_result'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'timed'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'working_seconds'), 0)
    FROM unnest(events) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (unit_id, channel, day) DO UPDATE SET
        received = r.received + excluded.received,
        received_online_full = r.received_online_full + excluded.received_online_full,
        refused = r.refused + excluded.refused,
        finished_early = r.finished_early + excluded.finished_early,
        finished_on_time = r.finished_on_time + excluded.finished_on_time,
        finished_late = r.finished_late + excluded.finished_late,
        rated = r.rated + excluded.rated,
        rating_sum = r.rating_sum + excluded.rating_sum,
        open = r.open + excluded.open,
        open_inherited = r.open_inherited + excluded.open_inherited,
        overdue = r.overdue + excluded.overdue,
        waiting_citizen = r.waiting_citizen + excluded.waiting_citizen,
        waiting_desk = r.waiting_desk + excluded.waiting_desk,
        received_fee = r.received_fee + excluded.received_fee,
        received_digitised = r.received_digitised + excluded.received_digitised,
        finished_e_result = r.finished_e_result + excluded.finished_e_result,
        timed = r.timed + excluded.timed,
        working_seconds = r.working_seconds + excluded.working_seconds;
    INSERT INTO applications_dossierrolluptotal AS r (unit_id, field_id, channel, received, received_online_full, refused,
        finished_early, finished_on_time, finished_late, rated, rating_sum,
        open, open_inherited, overdue, waiting_citizen, waiting_desk,
        received_fee, received_digitised, finished_e_result, timed, working_seconds)
    SELECT unit_id, field_id, channel,
        coalesce(sum(n) FILTER (WHERE m = 'received'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_online_full'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'refused'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_early'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_on_time'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_late'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rated'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'rating_sum'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'open_inherited'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'overdue'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_citizen'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'waiting_desk'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_fee'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'received_digitised'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'finished_e_result'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'timed'), 0),
        coalesce(sum(n) FILTER (WHERE m = 'working_seconds'), 0)
    FROM unnest(events) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (unit_id, field_id, channel) DO UPDATE SET
        received = r.received + excluded.received,
        received_online_full = r.received_online_full + excluded.received_online_full,
        refused = r.refused + excluded.refused,
        finished_early = r.finished_early + excluded.finished_early,
        finished_on_time = r.finished_on_time + excluded.finished_on_time,
        finished_late = r.finished_late + excluded.finished_late,
        rated = r.rated + excluded.rated,
        rating_sum = r.rating_sum + excluded.rating_sum,
        open = r.open + excluded.open,
        open_inherited = r.open_inherited + excluded.open_inherited,
        overdue = r.overdue + excluded.overdue,
        waiting_citizen = r.waiting_citizen + excluded.waiting_citizen,
        waiting_desk = r.waiting_desk + excluded.waiting_desk,
        received_fee = r.received_fee + excluded.received_fee,
        received_digitised = r.received_digitised + excluded.received_digitised,
        finished_e_result = r.finished_e_result + excluded.finished_e_result,
        timed = r.timed + excluded.timed,
        working_seconds = r.working_seconds + excluded.working_seconds;
    INSERT INTO applications_dossierrollupahead AS r (unit_id, field_id, channel, at, m, n)
    SELECT unit_id, field_id, channel, at, m, sum(n) FROM unnest(events)
    WHERE at >= dossier_rollup_clock() - interval '10 minutes'
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (at, unit_id, field_id, channel, m) DO UPDATE SET n = r.n + excluded.n;
END
$$;

-- The columns whose change can move a figure.
CREATE OR REPLACE FUNCTION dossier_rollup_on_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    olds applications_dossier[];
    news applications_dossier[];
    nestloop text := current_setting('enable_nestloop');
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_rollup_flush(ARRAY(
            SELECT e::dossier_rollup_event FROM new_rows d
            CROSS JOIN LATERAL dossier_rollup_of(d::applications_dossier, 1) e));
        RETURN NULL;
    END IF;
    -- The rows whose figures' columns changed. The transition tables have no statistics: a
    -- nested loop over a bulk update (the overdue sweep) would compare every pair, so the
    -- pairs are found by a hash join, and only those are looked at.
    PERFORM set_config('enable_nestloop', 'off', true);
    SELECT array_agg(o::applications_dossier), array_agg(d::applications_dossier)
    INTO olds, news
    FROM old_rows o JOIN new_rows d ON d.id = o.id
    -- (The fee and the way the result goes back are Decision 766's: migration 0019 added them;
    -- the working time to the result, migration 0022.)
    WHERE (o.state, o.channel, o.handling_unit_id, o.procedure_id, o.procedure_version_id,
           o.submitted_at, o.received_at, o.due_at, o.resolved_at, o.closed_at,
           o.clock_stopped_at, o.is_transferred, o.fee_vnd, o.return_method,
           o.working_seconds)
       IS DISTINCT FROM
          (d.state, d.channel, d.handling_unit_id, d.procedure_id, d.procedure_version_id,
           d.submitted_at, d.received_at, d.due_at, d.resolved_at, d.closed_at,
           d.clock_stopped_at, d.is_transferred, d.fee_vnd, d.return_method,
           d.working_seconds);
    PERFORM set_config('enable_nestloop', nestloop, true);
    IF olds IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM dossier_rollup_flush(ARRAY(
        SELECT e::dossier_rollup_event FROM unnest(olds) o CROSS JOIN LATERAL dossier_rollup_of(o, -1) e
        UNION ALL
        SELECT e::dossier_rollup_event FROM unnest(news) d CROSS JOIN LATERAL dossier_rollup_of(d, 1) e));
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_rollup_insert AFTER INSERT ON applications_dossier
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_dossier();
CREATE TRIGGER dossier_rollup_update AFTER UPDATE ON applications_dossier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_dossier();

-- A stop or a rating changes a dossier's events: take away those it had, add those it has.
-- `dossier_rollup_of` reads the table as it is now; what it was is rebuilt from the transition
-- tables.
CREATE OR REPLACE FUNCTION dossier_rollup_restop(
    ids bigint[], replaced bigint[], old_stops applications_clockstop[]
) RETURNS void LANGUAGE sql AS $$
    SELECT dossier_rollup_flush(ARRAY(
        SELECT e::dossier_rollup_event FROM applications_dossier d
        JOIN procedures_procedure p ON p.id = d.procedure_id
        JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
        LEFT JOIN applications_rating r ON r.dossier_id = d.id
        CROSS JOIN LATERAL (
            SELECT array_agg(s.started_at ORDER BY s.started_at) AS starts,
                   array_agg(s.ended_at ORDER BY s.started_at) AS ends,
                   array_agg(coalesce(s.started_at > s.due_before, false) ORDER BY s.started_at)
                       AS late
            FROM (
                SELECT c.started_at, c.ended_at, c.due_before FROM applications_clockstop c
                WHERE c.dossier_id = d.id AND c.id <> ALL (replaced)
                UNION ALL
                SELECT o.started_at, o.ended_at, o.due_before FROM unnest(old_stops) o
                WHERE o.dossier_id = d.id
            ) s WHERE s.ended_at IS NOT NULL
        ) st
        CROSS JOIN LATERAL (
            SELECT * FROM dossier_rollup_events(
                d, p.field_id, v.online_level = 'full', st.starts, st.ends, st.late, r.overall::integer, -1,
                EXISTS (SELECT 1 FROM applications_attachment a WHERE a.dossier_id = d.id))
            UNION ALL SELECT * FROM dossier_rollup_of(d, 1)
        ) e
        WHERE d.id = ANY (ids)))
$$;

CREATE OR REPLACE FUNCTION dossier_rollup_on_stop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_rollup_restop(ARRAY(SELECT DISTINCT dossier_id FROM new_rows),
                                      ARRAY(SELECT id FROM new_rows), '{}');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_rollup_restop(
            ARRAY(SELECT dossier_id FROM new_rows UNION SELECT dossier_id FROM old_rows),
            ARRAY(SELECT id FROM new_rows), ARRAY(SELECT o::applications_clockstop FROM old_rows o));
    ELSE
        PERFORM dossier_rollup_restop(ARRAY(SELECT DISTINCT dossier_id FROM old_rows),
                                      '{}', ARRAY(SELECT o::applications_clockstop FROM old_rows o));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_rollup_stop_insert AFTER INSERT ON applications_clockstop
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_stop();
CREATE TRIGGER dossier_rollup_stop_update AFTER UPDATE ON applications_clockstop
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_stop();
CREATE TRIGGER dossier_rollup_stop_delete AFTER DELETE ON applications_clockstop
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_stop();

-- A rating: the same dossier's events with the rating it had, taken away.
CREATE OR REPLACE FUNCTION dossier_rollup_rerate(ids bigint[], old_ids bigint[], old_overall integer[])
RETURNS void LANGUAGE sql AS $$
    SELECT dossier_rollup_flush(ARRAY(
        SELECT e::dossier_rollup_event FROM applications_dossier d
        JOIN procedures_procedure p ON p.id = d.procedure_id
        JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
        LEFT JOIN (SELECT * FROM unnest(old_ids, old_overall) AS x(dossier_id, overall)) r
            ON r.dossier_id = d.id
        CROSS JOIN LATERAL (
            SELECT array_agg(s.started_at ORDER BY s.started_at) AS starts,
                   array_agg(s.ended_at ORDER BY s.started_at) AS ends,
                   array_agg(coalesce(s.started_at > s.due_before, false) ORDER BY s.started_at)
                       AS late
            FROM applications_clockstop s WHERE s.dossier_id = d.id AND s.ended_at IS NOT NULL
        ) st
        CROSS JOIN LATERAL (
            SELECT * FROM dossier_rollup_events(
                d, p.field_id, v.online_level = 'full', st.starts, st.ends, st.late, r.overall::integer, -1,
                EXISTS (SELECT 1 FROM applications_attachment a WHERE a.dossier_id = d.id))
            UNION ALL SELECT * FROM dossier_rollup_of(d, 1)
        ) e
        WHERE d.id = ANY (ids)))
$$;

CREATE OR REPLACE FUNCTION dossier_rollup_on_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_rollup_rerate(ARRAY(SELECT dossier_id FROM new_rows), '{}', '{}');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_rollup_rerate(
            ARRAY(SELECT dossier_id FROM new_rows UNION SELECT dossier_id FROM old_rows),
            ARRAY(SELECT dossier_id FROM old_rows), ARRAY(SELECT overall FROM old_rows));
    ELSE
        PERFORM dossier_rollup_rerate(ARRAY(SELECT dossier_id FROM old_rows),
            ARRAY(SELECT dossier_id FROM old_rows), ARRAY(SELECT overall FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_rollup_rating_insert AFTER INSERT ON applications_rating
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_rating();
CREATE TRIGGER dossier_rollup_rating_update AFTER UPDATE ON applications_rating
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_rating();
CREATE TRIGGER dossier_rollup_rating_delete AFTER DELETE ON applications_rating
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_rating();

-- A file: the dossier's events with the files it had, taken away.
CREATE OR REPLACE FUNCTION dossier_rollup_refile(ids bigint[], new_ids bigint[], gone bigint[])
RETURNS void LANGUAGE sql AS $$
    SELECT dossier_rollup_flush(ARRAY(
        SELECT e::dossier_rollup_event FROM applications_dossier d
        JOIN procedures_procedure p ON p.id = d.procedure_id
        JOIN procedures_procedureversion v ON v.id = d.procedure_version_id
        LEFT JOIN applications_rating r ON r.dossier_id = d.id
        CROSS JOIN LATERAL (
            SELECT array_agg(s.started_at ORDER BY s.started_at) AS starts,
                   array_agg(s.ended_at ORDER BY s.started_at) AS ends,
                   array_agg(coalesce(s.started_at > s.due_before, false) ORDER BY s.started_at)
                       AS late
            FROM applications_clockstop s WHERE s.dossier_id = d.id AND s.ended_at IS NOT NULL
        ) st
        CROSS JOIN LATERAL (
            SELECT * FROM dossier_rollup_events(
                d, p.field_id, v.online_level = 'full', st.starts, st.ends, st.late,
                r.overall::integer, -1,
                d.id = ANY (gone) OR EXISTS (
                    SELECT 1 FROM applications_attachment a
                    WHERE a.dossier_id = d.id AND a.id <> ALL (new_ids)))
            UNION ALL SELECT * FROM dossier_rollup_of(d, 1)
        ) e
        WHERE d.id = ANY (ids)))
$$;

CREATE OR REPLACE FUNCTION dossier_rollup_on_file() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new submission's files are written before its dossier (under the id it will have):
        -- the dossier's INSERT counts them. Only the dossiers already there are counted again
        -- (the refile, an SQL function, is planned at each call: about 1.5 ms; issue 10).
        ids := ARRAY(SELECT DISTINCT n.dossier_id FROM new_rows n
                     JOIN applications_dossier d ON d.id = n.dossier_id);
        IF cardinality(ids) > 0 THEN
            PERFORM dossier_rollup_refile(ids, ARRAY(SELECT id FROM new_rows), '{}');
        END IF;
    ELSE
        PERFORM dossier_rollup_refile(ARRAY(SELECT DISTINCT dossier_id FROM old_rows), '{}',
                                      ARRAY(SELECT DISTINCT dossier_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_rollup_file_insert AFTER INSERT ON applications_attachment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_file();
CREATE TRIGGER dossier_rollup_file_delete AFTER DELETE ON applications_attachment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_on_file();

-- The rebuild: every dossier's events, from nothing (manage.py rebuild_rollups, the migration).
CREATE OR REPLACE FUNCTION dossier_rollup_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lo bigint; hi bigint; step CONSTANT bigint := 50000;
BEGIN
    LOCK TABLE applications_dossier IN SHARE MODE;
    TRUNCATE applications_dossierrollup, applications_dossierrollupunit,
        applications_dossierrolluptotal, applications_dossierrollupahead;
    SELECT min(id), max(id) INTO lo, hi FROM applications_dossier;
    WHILE lo IS NOT NULL AND lo <= hi LOOP
        PERFORM dossier_rollup_flush(ARRAY(
            SELECT e::dossier_rollup_event FROM applications_dossier d CROSS JOIN LATERAL dossier_rollup_of(d, 1) e
            WHERE d.id >= lo AND d.id < lo + step));
        lo := lo + step;
    END LOOP;
    DELETE FROM applications_dossierrollupahead WHERE n = 0;
END
$$;
