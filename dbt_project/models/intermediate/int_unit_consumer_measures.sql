with

-- Referenced twice: "not materialized" lets the planner filter and hash-join the table itself.
scheme_status as not materialized (

    select * from {{ ref('int_consumer_scheme_status') }}

),

unit_beats as (

    select * from {{ ref('int_unit_beats') }}

),

fully_paid_day_before as (

    select account_no

    from scheme_status
    where
        as_of_date = {{ report_date_literal(var('report_date')) }} - 1
        and is_fully_paid

),

eligible_consumers as (

    -- A unit counts the eligible defaulters of each day's own snapshot. "Became fully paid" means
    -- fully paid as of the report date and not as of the day before. It is false on the day before,
    -- because that day's own day before is not in the table.
    select
        scheme_status.*,
        coalesce(
            scheme_status.as_of_date = {{ report_date_literal(var('report_date')) }}
            and scheme_status.is_fully_paid
            and fully_paid_day_before.account_no is null,
            false
        ) as became_fully_paid

    from scheme_status
    left join fully_paid_day_before
        on
            scheme_status.as_of_date = {{ report_date_literal(var('report_date')) }}
            and scheme_status.account_no = fully_paid_day_before.account_no
    where scheme_status.is_eligible

),

beat_measures as (

    select
        as_of_date,
        beat_code,
        sub_category,
        count(*) as eligible_defaulters,
        sum(scheme_principal) as principal_arrears,
        sum(scheme_lpsc) as lpsc_arrears,
        count(*) filter (where is_registered) as registered,
        count(*) filter (where is_fully_paid) as fully_paid,
        count(*) filter (where became_fully_paid) as became_fully_paid,
        coalesce(sum(net_paid) filter (where is_registered), 0) as collected,
        coalesce(sum(waiver_amount) filter (where is_fully_paid), 0) as waiver_granted,
        count(*) filter (where is_notice_served) as notices_served

    from eligible_consumers
    group by as_of_date, beat_code, sub_category

),

unit_measures as (

    select
        beat_measures.as_of_date,
        unit_beats.unit_level,
        unit_beats.unit_code,
        case
            when grouping(beat_measures.sub_category) = 1 then 'ALL'
            else beat_measures.sub_category
        end as sub_category,
        sum(beat_measures.eligible_defaulters) as eligible_defaulters,
        sum(beat_measures.principal_arrears) as principal_arrears,
        sum(beat_measures.lpsc_arrears) as lpsc_arrears,
        sum(beat_measures.registered) as registered,
        sum(beat_measures.fully_paid) as fully_paid,
        sum(beat_measures.became_fully_paid) as became_fully_paid,
        sum(beat_measures.collected) as collected,
        sum(beat_measures.waiver_granted) as waiver_granted,
        sum(beat_measures.notices_served) as notices_served

    from beat_measures
    inner join unit_beats
        on
            beat_measures.as_of_date = unit_beats.as_of_date
            and beat_measures.beat_code = unit_beats.beat_code
    group by grouping sets (
        (beat_measures.as_of_date, unit_beats.unit_level, unit_beats.unit_code, beat_measures.sub_category),
        (beat_measures.as_of_date, unit_beats.unit_level, unit_beats.unit_code)
    )

),

final as (

    select
        -- ids
        as_of_date,
        unit_level,
        unit_code,
        sub_category,

        -- counts
        cast(eligible_defaulters as bigint) as eligible_defaulters,
        cast(registered as bigint) as registered,
        cast(fully_paid as bigint) as fully_paid,
        cast(became_fully_paid as bigint) as became_fully_paid,
        cast(notices_served as bigint) as notices_served,

        -- amounts
        cast(principal_arrears as numeric(16, 2)) as principal_arrears,
        cast(lpsc_arrears as numeric(16, 2)) as lpsc_arrears,
        cast(collected as numeric(16, 2)) as collected,
        cast(waiver_granted as numeric(16, 2)) as waiver_granted

    from unit_measures
    -- An eligible consumer outside every sub-category counts in ALL only; a data test reports it.
    where sub_category is not null

)

select * from final
