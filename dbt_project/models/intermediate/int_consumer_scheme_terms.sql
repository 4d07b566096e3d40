{{
    config(
        indexes=[{'columns': ['as_of_date', 'account_no'], 'unique': true}],
    )
}}

with

consumers as (

    select * from {{ ref('stg_billing__consumers') }}

),

bill_revisions as (

    select * from {{ ref('stg_billing__bill_revisions') }}

),

eligibility as (

    select * from {{ ref('stg_rules__eligibility') }}

),

sub_categories as (

    select * from {{ ref('stg_rules__sub_categories') }}

),

payment_options as (

    select * from {{ ref('stg_rules__payment_options') }}

),

as_of_dates as (

    -- The report date and the day before it: a "today" figure is the difference of the two.
    -- A values list, not generate_series, so that the planner estimates two rows.
    select as_of_days.as_of_date
    from (
        values
        ({{ report_date_literal(var('report_date')) }} - 1),
        ({{ report_date_literal(var('report_date')) }})
    ) as as_of_days (as_of_date)

),

consumer_days as (

    -- Each day is decided by its own snapshot alone.
    select
        as_of_dates.as_of_date,
        consumers.account_no,
        consumers.beat_code,
        consumers.tariff_category,
        consumers.connection_status,
        consumers.court_case,
        consumers.sanctioned_load,
        consumers.load_unit,
        {{ load_kw('consumers.sanctioned_load', 'consumers.load_unit') }} as load_kw,
        consumers.principal_arrears as snapshot_principal,
        consumers.lpsc_arrears as snapshot_lpsc

    from consumers
    inner join as_of_dates
        on consumers.dump_date = as_of_dates.as_of_date

),

latest_revisions as (

    -- The latest REVISED event by its own time that had arrived by the day replaces the dues.
    select distinct on (as_of_dates.as_of_date, bill_revisions.account_no)
        as_of_dates.as_of_date,
        bill_revisions.account_no,
        bill_revisions.request_no as revision_request_no,
        bill_revisions.event_at as revised_at,
        bill_revisions.revised_principal,
        bill_revisions.revised_lpsc

    from bill_revisions
    inner join as_of_dates
        on bill_revisions.dump_date <= as_of_dates.as_of_date
    where bill_revisions.revision_event = 'REVISED'
    order by
        as_of_dates.as_of_date asc,
        bill_revisions.account_no asc,
        bill_revisions.event_at desc,
        bill_revisions.dump_date desc,
        bill_revisions.request_no desc

),

first_payment_options as (

    -- Before registering, a consumer is taken at the option with the fewest instalments (the lump sum).
    select distinct on (tariff_category)
        tariff_category,
        payment_option

    from payment_options
    order by tariff_category asc, max_instalments asc, payment_option asc

),

classified as (

    -- The rules validator rejects overlapping load bands within a category, so each join matches at
    -- most once. The unique key test on this model fails if one ever matches twice.
    select
        consumer_days.*,
        coalesce(
            eligibility.tariff_category is not null
            and (
                eligibility.connection_statuses is null
                or consumer_days.connection_status = any(eligibility.connection_statuses)
            )
            and (eligibility.court_case_allowed or not consumer_days.court_case)
            and consumer_days.snapshot_principal + consumer_days.snapshot_lpsc > 0,
            false
        ) as is_eligible,
        sub_categories.sub_category,
        eligibility.dues_cutoff_date as scheme_dues_cutoff_date

    from consumer_days
    left join eligibility
        on
            consumer_days.tariff_category = eligibility.tariff_category
            and (eligibility.load_min_kw is null or consumer_days.load_kw > eligibility.load_min_kw)
            and (eligibility.load_max_kw is null or consumer_days.load_kw <= eligibility.load_max_kw)
    left join sub_categories
        on
            consumer_days.tariff_category = sub_categories.tariff_category
            and (sub_categories.load_min_kw is null or consumer_days.load_kw > sub_categories.load_min_kw)
            and (sub_categories.load_max_kw is null or consumer_days.load_kw <= sub_categories.load_max_kw)

),

final as (

    select
        -- ids
        classified.as_of_date,
        classified.account_no,
        classified.beat_code,

        -- classification
        classified.tariff_category,
        classified.connection_status,
        classified.court_case,
        classified.sanctioned_load,
        classified.load_unit,
        classified.load_kw,
        classified.is_eligible,
        classified.sub_category,
        classified.scheme_dues_cutoff_date,
        first_payment_options.payment_option as unregistered_payment_option,

        -- amounts
        classified.snapshot_principal,
        classified.snapshot_lpsc,
        latest_revisions.revision_request_no,
        latest_revisions.revised_at,
        coalesce(latest_revisions.revised_principal, classified.snapshot_principal) as scheme_principal,
        coalesce(latest_revisions.revised_lpsc, classified.snapshot_lpsc) as scheme_lpsc

    from classified
    left join latest_revisions
        on
            classified.as_of_date = latest_revisions.as_of_date
            and classified.account_no = latest_revisions.account_no
    left join first_payment_options
        on classified.tariff_category = first_payment_options.tariff_category

)

select * from final
