-- The dashboard rollup's days without the field (`applications_dossierrollupunit`) added up per
-- month (ADR 0015, `applications_dossierrollupmonth`, `day` the month's first day): a period's
-- whole months are summed from here (applications/selectors/rollups.py), so a year of the city's
-- figures reads at most 12 months and two partial months' days per unit and channel. Kept from
-- the day table's own rows: whatever writes a day cell (rollup.sql's flush, its rebuild), this
-- trigger adds the cell's change (new less old) to its month in the same transaction; a
-- TRUNCATE of the days (the rebuild) empties the months too.

CREATE OR REPLACE FUNCTION dossier_rollup_month_add(olds applications_dossierrollupunit[],
                                                    news applications_dossierrollupunit[])
RETURNS void LANGUAGE sql AS $$
    WITH d AS (
        SELECT o.*, -1 AS sign FROM unnest(olds) o
        UNION ALL
        SELECT n.*, 1 AS sign FROM unnest(news) n
    )
    INSERT INTO applications_dossierrollupmonth AS p (
        unit_id, channel, day,
        received, received_online_full, refused, finished_early, finished_on_time,
        finished_late, rated, rating_sum, open, open_inherited, overdue, waiting_citizen,
        waiting_desk, received_fee, received_digitised, finished_e_result, timed,
        working_seconds)
    SELECT unit_id, channel, date_trunc('month', day)::date,
        sum(sign * received),
        sum(sign * received_online_full),
        sum(sign * refused),
        sum(sign * finished_early),
        sum(sign * finished_on_time),
        sum(sign * finished_late),
        sum(sign * rated),
        sum(sign * rating_sum),
        sum(sign * open),
        sum(sign * open_inherited),
        sum(sign * overdue),
        sum(sign * waiting_citizen),
        sum(sign * waiting_desk),
        sum(sign * received_fee),
        sum(sign * received_digitised),
        sum(sign * finished_e_result),
        sum(sign * timed),
        sum(sign * working_seconds)
    FROM d GROUP BY 1, 2, 3 ORDER BY 3, 1, 2
    ON CONFLICT (day, unit_id, channel) DO UPDATE SET
        received = p.received + excluded.received,
        received_online_full = p.received_online_full + excluded.received_online_full,
        refused = p.refused + excluded.refused,
        finished_early = p.finished_early + excluded.finished_early,
        finished_on_time = p.finished_on_time + excluded.finished_on_time,
        finished_late = p.finished_late + excluded.finished_late,
        rated = p.rated + excluded.rated,
        rating_sum = p.rating_sum + excluded.rating_sum,
        open = p.open + excluded.open,
        open_inherited = p.open_inherited + excluded.open_inherited,
        overdue = p.overdue + excluded.overdue,
        waiting_citizen = p.waiting_citizen + excluded.waiting_citizen,
        waiting_desk = p.waiting_desk + excluded.waiting_desk,
        received_fee = p.received_fee + excluded.received_fee,
        received_digitised = p.received_digitised + excluded.received_digitised,
        finished_e_result = p.finished_e_result + excluded.finished_e_result,
        timed = p.timed + excluded.timed,
        working_seconds = p.working_seconds + excluded.working_seconds
$$;

CREATE OR REPLACE FUNCTION dossier_rollup_month_on_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dossier_rollup_month_add('{}',
            ARRAY(SELECT n::applications_dossierrollupunit FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM dossier_rollup_month_add(
            ARRAY(SELECT o::applications_dossierrollupunit FROM old_rows o),
            ARRAY(SELECT n::applications_dossierrollupunit FROM new_rows n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dossier_rollup_month_add(
            ARRAY(SELECT o::applications_dossierrollupunit FROM old_rows o), '{}');
    ELSE  -- TRUNCATE (a DELETE: a TRUNCATE naming both tables, as `flush`, may not truncate twice)
        DELETE FROM applications_dossierrollupmonth;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_rollup_month_insert AFTER INSERT ON applications_dossierrollupunit
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_month_on_day();
CREATE TRIGGER dossier_rollup_month_update AFTER UPDATE ON applications_dossierrollupunit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_month_on_day();
CREATE TRIGGER dossier_rollup_month_delete AFTER DELETE ON applications_dossierrollupunit
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_month_on_day();
CREATE TRIGGER dossier_rollup_month_truncate AFTER TRUNCATE ON applications_dossierrollupunit
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_rollup_month_on_day();

-- The months made from the days as they are (the migration that adds them).
CREATE OR REPLACE FUNCTION dossier_rollup_month_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE applications_dossierrollupunit IN SHARE MODE;
    TRUNCATE applications_dossierrollupmonth;
    PERFORM dossier_rollup_month_add('{}',
        ARRAY(SELECT u FROM applications_dossierrollupunit u));
END
$$;
