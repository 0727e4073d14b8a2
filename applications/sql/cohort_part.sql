-- The stats cohort summed without the field or without the unit (ADR 0015,
-- `applications_dossiercohortpart`, `applications/selectors/cohort_rollup.py`): per handling unit
-- (kind 'unit') or per field (kind 'field'), channel and Vietnam day of reception, and the same
-- per month (`monthly`, `day` the month's first day). A year of the city's figures then sums at
-- most 12 months and the days of two partial months per unit (or field) and channel, however many
-- dossiers were received. Kept from the cohort's own rows: whatever writes a cohort cell (its
-- triggers of cohort.sql, its rebuild), this trigger adds the cell's change (new less old) to the
-- unit's and the field's day and month, in the same statement's transaction; a TRUNCATE of the
-- cohort (the rebuild) empties these sums too.

CREATE OR REPLACE FUNCTION dossier_cohort_part_add(olds applications_dossiercohort[],
                                                   news applications_dossiercohort[])
RETURNS void LANGUAGE sql AS $$
    WITH d AS (
        SELECT o.*, -1 AS sign FROM unnest(olds) o
        UNION ALL
        SELECT n.*, 1 AS sign FROM unnest(news) n
    )
    INSERT INTO applications_dossiercohortpart AS p (
        kind, key_id, channel, monthly, day,
        received, resolved_early, resolved_on_time, resolved_late, in_progress, stopped_late,
        running_due, rated, satisfied, overall_sum, time_sum, attitude_sum, guidance_sum,
        transparency_sum, complaints)
    SELECT g.kind, CASE WHEN g.kind = 'unit' THEN d.unit_id ELSE d.field_id END, d.channel,
        m.monthly, CASE WHEN m.monthly THEN date_trunc('month', d.day)::date ELSE d.day END,
        sum(sign * received),
        sum(sign * resolved_early),
        sum(sign * resolved_on_time),
        sum(sign * resolved_late),
        sum(sign * in_progress),
        sum(sign * stopped_late),
        sum(sign * running_due),
        sum(sign * rated),
        sum(sign * satisfied),
        sum(sign * overall_sum),
        sum(sign * time_sum),
        sum(sign * attitude_sum),
        sum(sign * guidance_sum),
        sum(sign * transparency_sum),
        sum(sign * complaints)
    FROM d CROSS JOIN (VALUES ('unit'), ('field')) g(kind)
    CROSS JOIN (VALUES (false), (true)) m(monthly)
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 4, 5, 2, 3
    ON CONFLICT (kind, monthly, day, key_id, channel) DO UPDATE SET
        received = p.received + excluded.received,
        resolved_early = p.resolved_early + excluded.resolved_early,
        resolved_on_time = p.resolved_on_time + excluded.resolved_on_time,
        resolved_late = p.resolved_late + excluded.resolved_late,
        in_progress = p.in_progress + excluded.in_progress,
        stopped_late = p.stopped_late + excluded.stopped_late,
        running_due = p.running_due + excluded.running_due,
        rated = p.rated + excluded.rated,
        satisfied = p.satisfied + excluded.satisfied,
        overall_sum = p.overall_sum + excluded.overall_sum,
        time_sum = p.time_sum + excluded.time_sum,
        attitude_sum = p.attitude_sum + excluded.attitude_sum,
        guidance_sum = p.guidance_sum + excluded.guidance_sum,
        transparency_sum = p.transparency_sum + excluded.transparency_sum,
        complaints = p.complaints + excluded.complaints
$$;

CREATE OR REPLACE FUNCTION dossier_cohort_part_on_cohort() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_cohort_part_add('{}',
            ARRAY(SELECT n::applications_dossiercohort FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_cohort_part_add(
            ARRAY(SELECT o::applications_dossiercohort FROM old_rows o),
            ARRAY(SELECT n::applications_dossiercohort FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dossier_cohort_part_add(
            ARRAY(SELECT o::applications_dossiercohort FROM old_rows o), '{}');
    ELSE  -- TRUNCATE (a DELETE: a TRUNCATE naming both tables, as `flush`, may not truncate twice)
        DELETE FROM applications_dossiercohortpart;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_cohort_part_insert AFTER INSERT ON applications_dossiercohort
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_part_on_cohort();
CREATE TRIGGER dossier_cohort_part_update AFTER UPDATE ON applications_dossiercohort
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_part_on_cohort();
CREATE TRIGGER dossier_cohort_part_delete AFTER DELETE ON applications_dossiercohort
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_part_on_cohort();
CREATE TRIGGER dossier_cohort_part_truncate AFTER TRUNCATE ON applications_dossiercohort
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_cohort_part_on_cohort();

-- The sums made from the cohort as it is (the migration that adds them), a slice of cells at a time.
CREATE OR REPLACE FUNCTION dossier_cohort_part_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lo bigint; hi bigint; step CONSTANT bigint := 50000;
BEGIN
    LOCK TABLE applications_dossiercohort IN SHARE MODE;
    TRUNCATE applications_dossiercohortpart;
    SELECT min(id), max(id) INTO lo, hi FROM applications_dossiercohort;
    WHILE lo IS NOT NULL AND lo <= hi LOOP
        PERFORM dossier_cohort_part_add('{}', ARRAY(
            SELECT c FROM applications_dossiercohort c WHERE c.id >= lo AND c.id < lo + step));
        lo := lo + step;
    END LOOP;
END
$$;
