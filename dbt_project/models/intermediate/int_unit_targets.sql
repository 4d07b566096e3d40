with

targets as (

    select * from {{ ref('stg_billing__targets') }}

),

latest_targets as (

    -- Of the rows for the unit and sub-category that arrived on or before the report date, the
    -- one with the latest set_on (then the latest dump) is the target.
    select distinct on (unit_level, unit_code, sub_category)
        {{ report_date_literal(var('report_date')) }} as report_date,
        unit_level,
        unit_code,
        sub_category,
        target_consumers,
        target_amount,
        set_on,
        set_by_staff_id,
        dump_date

    from targets
    where dump_date <= {{ report_date_literal(var('report_date')) }}
    order by unit_level asc, unit_code asc, sub_category asc, set_on desc, dump_date desc

)

select * from latest_targets
