{{
    config(
        materialized='incremental',
        schema='int',
        incremental_strategy='delete+insert',
        unique_key='report_date',
        indexes=[{'columns': ['unit_level', 'unit_code', 'report_date']}],
    )
}}

{#-
    One row per unit and built report date, over all sub-categories: the day's progress and whether
    the unit lagged that day. Each build replaces its own day's rows and keeps the other days', so
    the laggard streaks and the review packs' charts can look back without rebuilding past days.
    NOTE: only days built in this database are here; a full refresh forgets the earlier days.
-#}

with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

units as (

    select * from {{ ref('dim_unit') }}

),

unit_totals as (

    select
        progress.report_date,
        progress.unit_level,
        progress.unit_code,
        progress.unit_name,
        progress.parent_level,
        progress.parent_code,
        units.discom_code,
        units.zone_code,
        progress.eligible_defaulters,
        progress.registered_cum,
        progress.collected_cum,
        progress.target_consumers,
        progress.target_amount,
        progress.registered_pct,
        progress.collected_pct

    from progress
    inner join units
        on
            progress.unit_level = units.unit_level
            and progress.unit_code = units.unit_code
    where
        progress.sub_category = 'ALL'
        and progress.unit_level != 'TOTAL'

),

standing as (

    -- The bottom fifth among siblings (same parent) by registered achievement %, ties sharing a
    -- place; units without a percent (no target) are not compared.
    select
        unit_totals.*,
        scheme.laggard_threshold_pct,
        case
            when unit_totals.registered_pct is not null
                then cume_dist() over (
                    partition by
                        unit_totals.parent_level,
                        unit_totals.parent_code,
                        unit_totals.registered_pct is null
                    order by unit_totals.registered_pct
                )
        end as sibling_cume_dist

    from unit_totals
    cross join scheme

),

flagged as (

    select
        -- ids
        report_date,
        unit_level,
        unit_code,
        unit_name,
        parent_level,
        parent_code,
        discom_code,
        zone_code,

        -- progress
        eligible_defaulters,
        registered_cum,
        collected_cum,
        target_consumers,
        target_amount,
        registered_pct,
        collected_pct,

        -- standing
        coalesce(sibling_cume_dist <= 0.2, false) as is_bottom_fifth,
        coalesce(registered_pct < laggard_threshold_pct, false) as is_below_threshold,
        coalesce(sibling_cume_dist <= 0.2 or registered_pct < laggard_threshold_pct, false) as is_laggard

    from standing

)

select * from flagged
