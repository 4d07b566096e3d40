{{
    config(
        materialized='table',
        schema='build',
    )
}}

with

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

bill_revisions as (

    select * from {{ ref('stg_billing__bill_revisions') }}

),

consumers as (

    select * from {{ ref('stg_billing__consumers') }}

),

hierarchy as (

    select * from {{ ref('dim_hierarchy') }}

),

officers as (

    select * from {{ ref('int_compliance_unit_officers') }}

),

known_events as (

    select
        request_no,
        account_no,
        revision_event,
        cast(event_at as date) as event_date,
        acted_by_staff_id

    from bill_revisions
    where dump_date <= {{ report_date_literal(var('report_date')) }}

),

requests as (

    select
        request_no,
        account_no,
        event_date as requested_on

    from known_events
    where revision_event = 'REQUESTED'

),

decisions as (

    -- The first decision on a request, REVISED or REJECTED.
    select distinct on (request_no)
        request_no,
        revision_event as decision,
        event_date as decided_on,
        acted_by_staff_id

    from known_events
    where revision_event in ('REVISED', 'REJECTED')
    order by request_no, event_date, revision_event

),

revised as (

    select
        request_no,
        account_no,
        event_date as revised_on,
        acted_by_staff_id

    from known_events
    where revision_event = 'REVISED'

),

deliveries as (

    select
        request_no,
        revision_event as delivery,
        min(event_date) as delivered_on

    from known_events
    where revision_event in ('SMS_SENT', 'WEB_PUBLISHED')
    group by request_no, revision_event

),

late_decisions as (

    -- A request must be revised or rejected within revision_limit_days of its own date; it is
    -- overdue from the day after the limit.
    select
        requests.request_no,
        requests.account_no,
        'REVISION_NOT_DECIDED' as violation,
        requests.requested_on + scheme.revision_limit_days + 1 as violation_date,
        requests.requested_on,
        requests.requested_on as due_from,
        decisions.decided_on as acted_on,
        decisions.acted_by_staff_id

    from requests
    cross join scheme
    left join decisions
        on requests.request_no = decisions.request_no
    where
        requests.requested_on + scheme.revision_limit_days + 1 <= {{ report_date_literal(var('report_date')) }}
        and (
            decisions.decided_on is null
            or decisions.decided_on > requests.requested_on + scheme.revision_limit_days
        )

),

delivery_kinds as (

    select * from (
        values
        ('SMS_SENT', 'REVISED_BILL_NOT_SENT_BY_SMS'),
        ('WEB_PUBLISHED', 'REVISED_BILL_NOT_PUBLISHED')
    ) as delivery_kinds (delivery, violation)

),

late_deliveries as (

    -- A revised bill must go out by SMS and on the website within revision_delivery_limit_days of
    -- the revision's own date.
    select
        revised.request_no,
        revised.account_no,
        delivery_kinds.violation,
        revised.revised_on + scheme.revision_delivery_limit_days + 1 as violation_date,
        requests.requested_on,
        revised.revised_on as due_from,
        deliveries.delivered_on as acted_on,
        revised.acted_by_staff_id

    from revised
    cross join scheme
    cross join delivery_kinds
    left join requests
        on revised.request_no = requests.request_no
    left join deliveries
        on
            revised.request_no = deliveries.request_no
            and delivery_kinds.delivery = deliveries.delivery
    where
        revised.revised_on + scheme.revision_delivery_limit_days + 1
        <= {{ report_date_literal(var('report_date')) }}
        and (
            deliveries.delivered_on is null
            or deliveries.delivered_on > revised.revised_on + scheme.revision_delivery_limit_days
        )

),

violations as (

    select * from late_decisions

    union all

    select * from late_deliveries

),

report_day_consumers as (

    select
        account_no,
        beat_code

    from consumers
    where dump_date = {{ report_date_literal(var('report_date')) }}

),

final as (

    select
        -- ids
        {{ report_date_literal(var('report_date')) }} as report_date,
        violations.violation_date,
        violations.violation,
        violations.request_no,
        violations.account_no,

        -- place: the consumer's sub-division on the report date
        'SUBDIVISION' as unit_level,
        hierarchy.subdivision_code as unit_code,
        hierarchy.subdivision_name as unit_name,
        hierarchy.division_code,
        hierarchy.zone_code,
        hierarchy.discom_code,

        -- dates
        violations.requested_on,
        violations.due_from,
        violations.acted_on,
        violations.acted_on - violations.due_from as days_taken,
        violations.acted_by_staff_id,

        -- responsible officers on the report date: the SDO, and the EE above
        sdo.staff_id,
        sdo.staff_name,
        coalesce(sdo.post, 'SDO') as post,
        ee.staff_id as ee_staff_id,
        ee.staff_name as ee_staff_name

    from violations
    left join report_day_consumers
        on violations.account_no = report_day_consumers.account_no
    left join hierarchy
        on report_day_consumers.beat_code = hierarchy.beat_code
    left join officers as sdo
        on
            sdo.unit_level = 'SUBDIVISION'
            and hierarchy.subdivision_code = sdo.unit_code
    left join officers as ee
        on
            ee.unit_level = 'DIVISION'
            and hierarchy.division_code = ee.unit_code

)

select * from final
