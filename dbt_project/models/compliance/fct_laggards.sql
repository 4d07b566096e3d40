{{
    config(
        materialized='table',
        schema='build',
    )
}}

{#- A unit is listed when it lagged on each of the last `laggard_days` report dates. -#}
{%- set laggard_days = var('laggard_days', 3) -%}

with

history as (

    select * from {{ ref('int_unit_progress_history') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

laggard_days as (

    select
        unit_level,
        unit_code,
        report_date,
        -- consecutive laggard days share report_date - row_number (gaps and islands)
        report_date - cast(
            row_number() over (partition by unit_level, unit_code order by report_date) as integer
        ) as streak_key

    from history
    where
        is_laggard
        and report_date <= {{ report_date_literal(var('report_date')) }}

),

streaks as (

    select
        unit_level,
        unit_code,
        min(report_date) as laggard_since,
        max(report_date) as last_laggard_date,
        count(*) as days_running

    from laggard_days
    group by unit_level, unit_code, streak_key

),

current_streaks as (

    select *

    from streaks
    where
        last_laggard_date = {{ report_date_literal(var('report_date')) }}
        and days_running >= {{ laggard_days }}

),

final as (

    select
        -- ids
        history.report_date,
        history.unit_level,
        history.unit_code,
        history.unit_name,
        history.parent_level,
        history.parent_code,
        history.discom_code,
        history.zone_code,

        -- progress on the report date
        history.target_consumers,
        history.registered_cum,
        history.registered_pct,
        history.target_amount,
        history.collected_cum,
        history.collected_pct,

        -- why and since when
        history.is_bottom_fifth,
        history.is_below_threshold,
        current_streaks.laggard_since,
        cast(current_streaks.days_running as integer) as days_running,

        -- officer in charge on the report date
        officers.staff_id,
        officers.staff_name,
        officers.post

    from current_streaks
    inner join history
        on
            current_streaks.unit_level = history.unit_level
            and current_streaks.unit_code = history.unit_code
            and history.report_date = {{ report_date_literal(var('report_date')) }}
    left join officers
        on
            history.unit_level = officers.unit_level
            and history.unit_code = officers.unit_code

)

select * from final
