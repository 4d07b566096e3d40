{{
    config(
        materialized='table',
        schema='build',
    )
}}

with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

run_days as (

    -- Days run so far (the report date included) and days left to the scheme's last date.
    select
        end_date,
        least({{ report_date_literal(var('report_date')) }}, end_date) - start_date + 1 as days_elapsed,
        greatest(end_date - {{ report_date_literal(var('report_date')) }}, 0) as days_remaining

    from scheme

),

projected as (

    -- At the run rate so far: expected = achieved + achieved / days_elapsed x days_remaining.
    select
        progress.report_date,
        progress.unit_level,
        progress.unit_code,
        progress.sub_category,
        progress.unit_name,
        progress.parent_level,
        progress.parent_code,
        progress.sort_path,
        run_days.end_date,
        run_days.days_elapsed,
        run_days.days_remaining,
        progress.target_consumers,
        progress.registered_cum,
        round(
            progress.registered_cum
            + cast(progress.registered_cum as numeric) / run_days.days_elapsed * run_days.days_remaining
        ) as projected_registered,
        progress.target_amount,
        progress.collected_cum,
        round(
            progress.collected_cum + progress.collected_cum / run_days.days_elapsed * run_days.days_remaining, 2
        ) as projected_collected

    from progress
    cross join run_days

),

final as (

    select
        -- ids
        report_date,
        unit_level,
        unit_code,
        sub_category,
        unit_name,
        parent_level,
        parent_code,
        sort_path,

        -- days
        end_date,
        cast(days_elapsed as integer) as days_elapsed,
        cast(days_remaining as integer) as days_remaining,

        -- registrations
        target_consumers,
        registered_cum,
        cast(projected_registered as bigint) as projected_registered,
        cast(round(100.0 * projected_registered / nullif(target_consumers, 0), 2) as numeric(14, 2))
            as projected_registered_pct,

        -- collection
        target_amount,
        collected_cum,
        cast(projected_collected as numeric(16, 2)) as projected_collected,
        cast(round(100.0 * projected_collected / nullif(target_amount, 0), 2) as numeric(14, 2))
            as projected_collected_pct

    from projected

)

select * from final
