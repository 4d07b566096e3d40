{{ config(materialized='table', schema='build') }}

with

register as (

    select * from {{ ref('stg_notices__register') }}

),

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

consumers as (

    select * from {{ ref('stg_billing__consumers') }}

),

eligibility as (

    select * from {{ ref('stg_rules__eligibility') }}

),

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

consumer_status as (

    select * from {{ ref('int_consumer_scheme_status') }}

),

report_notices as (

    -- A rerun of an earlier day sees only the notices generated up to that day.
    select register.*
    from register
    cross join scheme
    where
        register.scheme_code = scheme.scheme_code
        and register.generated_on <= {{ report_date_literal(var('report_date')) }}

),

deadline_consumers as (

    -- Eligibility on the deadline, from the deadline's own snapshot, by the rule int_consumer_scheme_terms
    -- applies: category and load band admitted, status and court case allowed, principal + LPSC above zero.
    select
        consumers.account_no,
        consumers.beat_code,
        coalesce(
            eligibility.tariff_category is not null
            and (
                eligibility.connection_statuses is null
                or consumers.connection_status = any(eligibility.connection_statuses)
            )
            and (eligibility.court_case_allowed or not consumers.court_case)
            and consumers.principal_arrears + consumers.lpsc_arrears > 0,
            false
        ) as is_eligible

    from consumers
    cross join scheme
    left join eligibility
        on
            consumers.tariff_category = eligibility.tariff_category
            and (
                eligibility.load_min_kw is null
                or {{ load_kw('consumers.sanctioned_load', 'consumers.load_unit') }} > eligibility.load_min_kw
            )
            and (
                eligibility.load_max_kw is null
                or {{ load_kw('consumers.sanctioned_load', 'consumers.load_unit') }} <= eligibility.load_max_kw
            )
    where consumers.dump_date = scheme.notice_deadline

),

notices_judged as (

    -- Why a notice came after the deadline: the consumer was not in the deadline's dump at all, was
    -- there but not eligible, or was eligible and the notice was simply not generated in time.
    select
        report_notices.beat_code,
        report_notices.notice_no,
        report_notices.generated_on,
        report_notices.generated_on <= scheme.notice_deadline as is_by_deadline,
        case
            when report_notices.generated_on <= scheme.notice_deadline then null
            when deadline_consumers.account_no is null then 'ADDED_AFTER_DEADLINE'
            when not deadline_consumers.is_eligible then 'ELIGIBLE_AFTER_DEADLINE'
            else 'NOT_GENERATED_BY_DEADLINE'
        end as late_reason

    from report_notices
    cross join scheme
    left join deadline_consumers
        on report_notices.account_no = deadline_consumers.account_no

),

beat_notices as (

    select
        beat_code,
        count(*) as notices_generated,
        count(*) filter (where is_by_deadline) as notices_by_deadline,
        count(*) filter (where not is_by_deadline) as notices_after_deadline,
        count(*) filter (where late_reason = 'ADDED_AFTER_DEADLINE') as late_added_after_deadline,
        count(*) filter (where late_reason = 'ELIGIBLE_AFTER_DEADLINE') as late_eligible_after_deadline,
        count(*) filter (where late_reason = 'NOT_GENERATED_BY_DEADLINE') as late_not_generated_by_deadline,
        min(generated_on) as first_bundle_on,
        max(generated_on) as last_bundle_on

    from notices_judged
    group by beat_code

),

beat_deadline_eligible as (

    select
        beat_code,
        count(*) as eligible_on_deadline

    from deadline_consumers
    where is_eligible
    group by beat_code

),

beat_status as (

    select
        consumer_status.beat_code,
        count(*) as eligible_defaulters,
        count(*) filter (where report_notices.notice_no is null) as eligible_without_notice

    from consumer_status
    left join report_notices
        on consumer_status.notice_no = report_notices.notice_no
    where
        consumer_status.as_of_date = {{ report_date_literal(var('report_date')) }}
        and consumer_status.is_eligible
    group by consumer_status.beat_code

),

beats as (

    select
        -- ids
        hierarchy.beat_code,
        hierarchy.beat_name,
        hierarchy.feeder_code,
        hierarchy.substation_code,
        hierarchy.subdivision_code,
        hierarchy.division_code,
        hierarchy.circle_code,
        hierarchy.zone_code,
        hierarchy.discom_code,

        -- deadline
        scheme.notice_deadline,
        {{ report_date_literal(var('report_date')) }} > scheme.notice_deadline as is_deadline_passed,

        -- counts
        coalesce(beat_status.eligible_defaulters, 0) as eligible_defaulters,
        coalesce(beat_deadline_eligible.eligible_on_deadline, 0) as eligible_on_deadline,
        coalesce(beat_notices.notices_generated, 0) as notices_generated,
        coalesce(beat_notices.notices_by_deadline, 0) as notices_by_deadline,
        coalesce(beat_notices.notices_after_deadline, 0) as notices_after_deadline,
        coalesce(beat_notices.late_added_after_deadline, 0) as late_added_after_deadline,
        coalesce(beat_notices.late_eligible_after_deadline, 0) as late_eligible_after_deadline,
        coalesce(beat_notices.late_not_generated_by_deadline, 0) as late_not_generated_by_deadline,
        coalesce(beat_status.eligible_without_notice, 0) as eligible_without_notice,

        -- bundles
        beat_notices.first_bundle_on,
        beat_notices.last_bundle_on

    from hierarchy
    cross join scheme
    left join beat_notices
        on hierarchy.beat_code = beat_notices.beat_code
    left join beat_deadline_eligible
        on hierarchy.beat_code = beat_deadline_eligible.beat_code
    left join beat_status
        on hierarchy.beat_code = beat_status.beat_code

),

final as (

    select
        {{ report_date_literal(var('report_date')) }} as report_date,
        beats.*,
        case
            when beats.eligible_defaulters = 0 and beats.notices_generated = 0 then 'NO_NOTICES_DUE'
            when not beats.is_deadline_passed and beats.eligible_without_notice > 0 then 'PENDING'
            when beats.eligible_without_notice > 0 then 'MISSING'
            when beats.notices_after_deadline > 0 then 'LATE'
            else 'ON_TIME'
        end as bundle_status,
        -- The most serious reason first: eligible consumers left without a notice past the deadline.
        case
            when not beats.is_deadline_passed then null
            when beats.late_not_generated_by_deadline > 0 then 'NOT_GENERATED_BY_DEADLINE'
            when beats.eligible_without_notice > 0 then 'NO_NOTICE_YET'
            when beats.notices_after_deadline = 0 then null
            when beats.notices_by_deadline = 0 and beats.eligible_on_deadline = 0 then 'NO_ELIGIBLE_ON_DEADLINE'
            else 'CONSUMER_ADDED_LATER'
        end as late_reason

    from beats

)

select * from final
