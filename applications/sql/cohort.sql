-- The stats cohort's rollup (ADR 0015, `applications_dossiercohort`): per handling unit, field,
-- channel and Vietnam day of reception, how many of the dossiers received that day are now in
-- each state `GET /api/v1/stats/` counts (`applications/selectors/stats.py`, `_aggregates`).
-- A write takes a dossier out of the cell it was in (-1) and puts it in the one it is in (+1).
-- Kept by statement-level triggers beside those of rollup.sql, in the writer's transaction:
-- dossiers, their rating and the complaints about them. Only one thing depends on the hour:
-- whether a running clock has passed its due moment; `running_due` counts those with one, and
-- the reader takes away the few not yet due (applications/selectors/cohort_rollup.py).

CREATE OR REPLACE FUNCTION dossier_cohort_flush(olds applications_dossier[], news applications_dossier[])
RETURNS void LANGUAGE sql AS $$
    WITH d AS (
        SELECT o.*, -1 AS sign FROM unnest(olds) o WHERE o.received_at IS NOT NULL
        UNION ALL
        SELECT n.*, 1 AS sign FROM unnest(news) n WHERE n.received_at IS NOT NULL
    ), x AS (
        SELECT d.handling_unit_id AS unit_id, p.field_id, d.channel,
            (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, d.sign,
            CASE WHEN d.state NOT IN ('resolved', 'rejected', 'returned') THEN NULL
                 WHEN d.due_at IS NULL OR d.resolved_at IS NULL THEN 'on_time'
                 WHEN d.resolved_at > d.due_at THEN 'late'
                 WHEN (d.resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                      < (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
                 ELSE 'on_time' END AS word,
            d.state IN ('received', 'in_review', 'awaiting_approval',
                        'awaiting_supplement', 'awaiting_payment') AS processing,
            d.state IN ('awaiting_supplement', 'awaiting_payment')
                AND d.clock_stopped_at > d.due_at AS stopped_late,
            d.state IN ('received', 'in_review', 'awaiting_approval')
                AND d.due_at IS NOT NULL AS running_due,
            r.overall AS r_overall, r.time AS r_time, r.attitude AS r_attitude,
            r.guidance AS r_guidance, r.transparency AS r_transparency,
            EXISTS (SELECT 1 FROM applications_complaint k WHERE k.dossier_id = d.id) AS complained
        FROM d
        JOIN procedures_procedure p ON p.id = d.procedure_id
        LEFT JOIN applications_rating r ON r.dossier_id = d.id
    )
    INSERT INTO applications_dossiercohort AS c (
        unit_id, field_id, channel, day, received, resolved_early, resolved_on_time,
        resolved_late, in_progress, stopped_late, running_due, rated, satisfied, overall_sum,
        time_sum, attitude_sum, guidance_sum, transparency_sum, complaints)
    SELECT unit_id, field_id, channel, day,
        sum(sign),
        coalesce(sum(sign) FILTER (WHERE word = 'early'), 0),
        coalesce(sum(sign) FILTER (WHERE word = 'on_time'), 0),
        coalesce(sum(sign) FILTER (WHERE word = 'late'), 0),
        coalesce(sum(sign) FILTER (WHERE processing), 0),
        coalesce(sum(sign) FILTER (WHERE stopped_late), 0),
        coalesce(sum(sign) FILTER (WHERE running_due), 0),
        coalesce(sum(sign) FILTER (WHERE r_overall IS NOT NULL), 0),
        coalesce(sum(sign) FILTER (WHERE r_overall >= 4), 0),
        coalesce(sum(sign * r_overall), 0),
        coalesce(sum(sign * r_time), 0),
        coalesce(sum(sign * r_attitude), 0),
        coalesce(sum(sign * r_guidance), 0),
        coalesce(sum(sign * r_transparency), 0),
        coalesce(sum(sign) FILTER (WHERE complained), 0)
    FROM x GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, field_id, channel, day) DO UPDATE SET
        received = c.received + excluded.received,
        resolved_early = c.resolved_early + excluded.resolved_early,
        resolved_on_time = c.resolved_on_time + excluded.resolved_on_time,
        resolved_late = c.resolved_late + excluded.resolved_late,
        in_progress = c.in_progress + excluded.in_progress,
        stopped_late = c.stopped_late + excluded.stopped_late,
        running_due = c.running_due + excluded.running_due,
        rated = c.rated + excluded.rated,
        satisfied = c.satisfied + excluded.satisfied,
        overall_sum = c.overall_sum + excluded.overall_sum,
        time_sum = c.time_sum + excluded.time_sum,
        attitude_sum = c.attitude_sum + excluded.attitude_sum,
        guidance_sum = c.guidance_sum + excluded.guidance_sum,
        transparency_sum = c.transparency_sum + excluded.transparency_sum,
        complaints = c.complaints + excluded.complaints
$$;

CREATE OR REPLACE FUNCTION dossier_cohort_on_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    olds applications_dossier[];
    news applications_dossier[];
    nestloop text := current_setting('enable_nestloop');
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Only received dossiers are in a cohort: an online submission, not received yet, skips
        -- the flush (an SQL function, planned at each call: about 1 ms; issue 10).
        IF EXISTS (SELECT 1 FROM new_rows WHERE received_at IS NOT NULL) THEN
            PERFORM dossier_cohort_flush('{}', ARRAY(
                SELECT d::applications_dossier FROM new_rows d WHERE d.received_at IS NOT NULL));
        END IF;
        RETURN NULL;
    END IF;
    -- Only the rows whose cohort columns changed, paired by a hash join (see rollup.sql).
    PERFORM set_config('enable_nestloop', 'off', true);
    SELECT array_agg(o::applications_dossier), array_agg(d::applications_dossier)
    INTO olds, news
    FROM old_rows o JOIN new_rows d ON d.id = o.id
    WHERE (o.state, o.channel, o.handling_unit_id, o.procedure_id, o.received_at, o.due_at,
           o.resolved_at, o.clock_stopped_at)
       IS DISTINCT FROM
          (d.state, d.channel, d.handling_unit_id, d.procedure_id, d.received_at, d.due_at,
           d.resolved_at, d.clock_stopped_at);
    PERFORM set_config('enable_nestloop', nestloop, true);
    IF olds IS NOT NULL THEN
        PERFORM dossier_cohort_flush(olds, news);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_cohort_insert AFTER INSERT ON applications_dossier
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_dossier();
CREATE TRIGGER dossier_cohort_update AFTER UPDATE ON applications_dossier
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_dossier();

-- A rating: its own columns move, with the sign of the rows added (+1) or taken away (-1).
CREATE OR REPLACE FUNCTION dossier_cohort_rerate(olds applications_rating[], news applications_rating[])
RETURNS void LANGUAGE sql AS $$
    WITH r AS (
        SELECT o.*, -1 AS sign FROM unnest(olds) o
        UNION ALL SELECT n.*, 1 AS sign FROM unnest(news) n
    )
    INSERT INTO applications_dossiercohort AS c (
        unit_id, field_id, channel, day, rated, satisfied, overall_sum, time_sum, attitude_sum,
        guidance_sum, transparency_sum)
    SELECT d.handling_unit_id, p.field_id, d.channel,
        (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
        sum(r.sign), coalesce(sum(r.sign) FILTER (WHERE r.overall >= 4), 0),
        sum(r.sign * r.overall), sum(r.sign * r.time), sum(r.sign * r.attitude),
        sum(r.sign * r.guidance), sum(r.sign * r.transparency)
    FROM r JOIN applications_dossier d ON d.id = r.dossier_id
    JOIN procedures_procedure p ON p.id = d.procedure_id
    WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, field_id, channel, day) DO UPDATE SET
        rated = c.rated + excluded.rated,
        satisfied = c.satisfied + excluded.satisfied,
        overall_sum = c.overall_sum + excluded.overall_sum,
        time_sum = c.time_sum + excluded.time_sum,
        attitude_sum = c.attitude_sum + excluded.attitude_sum,
        guidance_sum = c.guidance_sum + excluded.guidance_sum,
        transparency_sum = c.transparency_sum + excluded.transparency_sum
$$;

CREATE OR REPLACE FUNCTION dossier_cohort_on_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_cohort_rerate('{}', ARRAY(SELECT n::applications_rating FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_cohort_rerate(ARRAY(SELECT o::applications_rating FROM old_rows o),
                                      ARRAY(SELECT n::applications_rating FROM new_rows n));
    ELSE
        PERFORM dossier_cohort_rerate(ARRAY(SELECT o::applications_rating FROM old_rows o), '{}');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_cohort_rating_insert AFTER INSERT ON applications_rating
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_rating();
CREATE TRIGGER dossier_cohort_rating_update AFTER UPDATE ON applications_rating
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_rating();
CREATE TRIGGER dossier_cohort_rating_delete AFTER DELETE ON applications_rating
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_rating();

-- Complaints: a dossier counts once however many were filed about it. Per dossier touched, the
-- complaints it has now, and those it had (now, less the rows added, plus those taken away).
CREATE OR REPLACE FUNCTION dossier_cohort_recomplain(added bigint[], removed bigint[])
RETURNS void LANGUAGE sql AS $$
    WITH t AS (
        SELECT x.id,
            (SELECT count(*) FROM applications_complaint k WHERE k.dossier_id = x.id) AS now_n,
            (SELECT count(*) FROM unnest(added) a WHERE a = x.id) AS added_n,
            (SELECT count(*) FROM unnest(removed) a WHERE a = x.id) AS removed_n
        FROM (SELECT DISTINCT id FROM unnest(added || removed) id) x
    )
    INSERT INTO applications_dossiercohort AS c (unit_id, field_id, channel, day, complaints)
    SELECT d.handling_unit_id, p.field_id, d.channel,
        (d.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
        sum((t.now_n > 0)::integer - (t.now_n - t.added_n + t.removed_n > 0)::integer)
    FROM t JOIN applications_dossier d ON d.id = t.id
    JOIN procedures_procedure p ON p.id = d.procedure_id
    WHERE d.received_at IS NOT NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (unit_id, field_id, channel, day) DO UPDATE SET
        complaints = c.complaints + excluded.complaints
$$;

CREATE OR REPLACE FUNCTION dossier_cohort_on_complaint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_cohort_recomplain(ARRAY(SELECT dossier_id FROM new_rows), '{}');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_cohort_recomplain(ARRAY(SELECT dossier_id FROM new_rows),
                                          ARRAY(SELECT dossier_id FROM old_rows));
    ELSE
        PERFORM dossier_cohort_recomplain('{}', ARRAY(SELECT dossier_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_cohort_complaint_insert AFTER INSERT ON applications_complaint
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_complaint();
CREATE TRIGGER dossier_cohort_complaint_update AFTER UPDATE ON applications_complaint
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_complaint();
CREATE TRIGGER dossier_cohort_complaint_delete AFTER DELETE ON applications_complaint
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_on_complaint();

-- The rebuild: every dossier from nothing (manage.py rebuild_rollups, the migration).
CREATE OR REPLACE FUNCTION dossier_cohort_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lo bigint; hi bigint; step CONSTANT bigint := 50000;
BEGIN
    LOCK TABLE applications_dossier IN SHARE MODE;
    TRUNCATE applications_dossiercohort;
    SELECT min(id), max(id) INTO lo, hi FROM applications_dossier;
    WHILE lo IS NOT NULL AND lo <= hi LOOP
        PERFORM dossier_cohort_flush('{}', ARRAY(
            SELECT d FROM applications_dossier d WHERE d.id >= lo AND d.id < lo + step));
        lo := lo + step;
    END LOOP;
END
$$;
