with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

form1 as (

    -- Form 1: targets against progress by sub-category, every level, each unit's ALL row and the
    -- grand total. Columns in the order of the form.
    select
        report_date,
        unit_level,
        unit_code,
        unit_name,
        sub_category,
        eligible_defaulters,
        principal_arrears,
        lpsc_arrears,
        target_consumers,
        registered_cum,
        registered_pct,
        fully_paid_cum,
        target_amount,
        collected_cum,
        collected_pct,
        waiver_granted_cum,
        notices_served_cum,
        rank_in_parent

    from progress

)

select * from form1
