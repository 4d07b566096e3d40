with

progress as (

    select * from {{ ref('fct_unit_daily_progress') }}

),

form2 as (

    -- Form 2: camps and full payments, one row per substation plus the subtotal of every level
    -- above it and the grand total, over all sub-categories. Columns in the order of the form.
    select
        report_date,
        unit_level,
        unit_code,
        unit_name,
        eligible_defaulters,
        notices_served_cum,
        camps_today,
        camps_cum,
        registered_today,
        registered_cum,
        fully_paid_today,
        fully_paid_cum,
        collected_today,
        collected_cum

    from progress
    where
        sub_category = 'ALL'
        and unit_level in ('SUBSTATION', 'SUBDIVISION', 'DIVISION', 'CIRCLE', 'ZONE', 'DISCOM', 'TOTAL')

)

select * from form2
