{{
    config(
        indexes=[{'columns': ['as_of_date', 'account_no'], 'unique': true}],
    )
}}

with

scheme_terms as (

    select * from {{ ref('int_consumer_scheme_terms') }}

),

payment_steps as (

    select * from {{ ref('int_consumer_payment_steps') }}

),

notice_deliveries as (

    select * from {{ ref('stg_billing__notice_deliveries') }}

),

scheme as (

    select * from {{ ref('stg_rules__scheme') }}

),

phases as (

    select * from {{ ref('stg_rules__phases') }}

),

waiver_rules as (

    select * from {{ ref('stg_rules__waiver_rules') }}

),

as_of_dates as (

    -- A values list, not generate_series, so that the planner estimates two rows.
    select as_of_days.as_of_date
    from (
        values
        ({{ report_date_literal(var('report_date')) }} - 1),
        ({{ report_date_literal(var('report_date')) }})
    ) as as_of_days (as_of_date)

),

consumer_payments as (

    -- Net paid is the sum of the counted receipts and reversals, with no cap.
    select
        as_of_date,
        account_no,
        registration_no,
        registration_date,
        payment_option,
        count(receipt_no) as counted_receipts,
        sum(amount) as net_paid

    from payment_steps
    group by as_of_date, account_no, registration_no, registration_date, payment_option

),

consumers as (

    select
        scheme_terms.as_of_date,
        scheme_terms.account_no,
        scheme_terms.beat_code,
        scheme_terms.tariff_category,
        scheme_terms.sub_category,
        scheme_terms.load_kw,
        scheme_terms.is_eligible,
        scheme_terms.scheme_principal,
        scheme_terms.scheme_lpsc,
        case scheme.dues_band_basis
            when 'PRINCIPAL' then scheme_terms.scheme_principal
            when 'TOTAL' then scheme_terms.scheme_principal + scheme_terms.scheme_lpsc
        end as dues_band_amount,
        consumer_payments.registration_no is not null as is_registered,
        consumer_payments.registration_no,
        consumer_payments.registration_date,
        coalesce(consumer_payments.payment_option, scheme_terms.unregistered_payment_option) as payment_option,
        coalesce(consumer_payments.counted_receipts, 0) as counted_receipts,
        cast(coalesce(consumer_payments.net_paid, 0) as numeric(16, 2)) as net_paid,
        scheme.waiver_phase_basis,
        scheme.scheme_code || '/' || scheme_terms.account_no as notice_no,
        -- The phase of the registration date decides the waiver. Before registration, and under
        -- the FULL_PAYMENT basis until a full payment fixes the phase, the day's own phase is used.
        case
            when scheme.waiver_phase_basis = 'REGISTRATION' and consumer_payments.registration_date is not null
                then consumer_payments.registration_date
            else scheme_terms.as_of_date
        end as phase_basis_date

    from scheme_terms
    cross join scheme
    left join consumer_payments
        on
            scheme_terms.as_of_date = consumer_payments.as_of_date
            and scheme_terms.account_no = consumer_payments.account_no

),

consumer_phases as (

    select
        consumers.*,
        phases.phase_code as basis_phase_code

    -- Phases do not overlap (the rules file is validated), so a date matches at most one phase.
    from consumers
    left join phases
        on consumers.phase_basis_date between phases.start_date and phases.end_date

),

step_phases as (

    -- Only the FULL_PAYMENT basis looks at each step's phase.
    select
        payment_steps.as_of_date,
        payment_steps.account_no,
        payment_steps.step_no,
        payment_steps.step_date,
        payment_steps.paid_to_date,
        phases.phase_code

    from payment_steps
    cross join scheme
    left join phases
        on payment_steps.step_date between phases.start_date and phases.end_date
    where scheme.waiver_phase_basis = 'FULL_PAYMENT'

),

waiver_requests as (

    -- The (consumer, phase) pairs whose waiver is needed: each eligible consumer's basis phase and,
    -- under the FULL_PAYMENT basis, the phase of each of the consumer's payment steps.
    select
        as_of_date,
        account_no,
        basis_phase_code as phase_code,
        tariff_category,
        load_kw,
        dues_band_amount,
        payment_option

    from consumer_phases
    where is_eligible

    union all

    select distinct
        step_phases.as_of_date,
        step_phases.account_no,
        step_phases.phase_code,
        consumer_phases.tariff_category,
        consumer_phases.load_kw,
        consumer_phases.dues_band_amount,
        consumer_phases.payment_option

    from step_phases
    inner join consumer_phases
        on
            step_phases.as_of_date = consumer_phases.as_of_date
            and step_phases.account_no = consumer_phases.account_no
    where
        consumer_phases.is_eligible
        and step_phases.phase_code is distinct from consumer_phases.basis_phase_code

),

first_rules as (

    -- The first matching waiver rule by rule_order decides. Bands are (min, max]: a load of exactly
    -- 2.000 kW is in the band that ends at 2.
    select
        waiver_requests.as_of_date,
        waiver_requests.account_no,
        coalesce(waiver_requests.phase_code, '') as phase_key,
        min(waiver_rules.rule_order) as waiver_rule_order

    from waiver_requests
    inner join waiver_rules
        on
            waiver_requests.tariff_category = waiver_rules.tariff_category
            and (waiver_rules.phase_code is null or waiver_requests.phase_code = waiver_rules.phase_code)
            and (
                waiver_rules.payment_option is null
                or waiver_requests.payment_option = waiver_rules.payment_option
            )
            and (waiver_rules.load_min_kw is null or waiver_requests.load_kw > waiver_rules.load_min_kw)
            and (waiver_rules.load_max_kw is null or waiver_requests.load_kw <= waiver_rules.load_max_kw)
            and (waiver_rules.dues_min is null or waiver_requests.dues_band_amount > waiver_rules.dues_min)
            and (waiver_rules.dues_max is null or waiver_requests.dues_band_amount <= waiver_rules.dues_max)
    group by
        waiver_requests.as_of_date,
        waiver_requests.account_no,
        coalesce(waiver_requests.phase_code, '')

),

step_settlements as (

    select
        step_phases.*,
        (
            consumer_phases.scheme_principal
            + consumer_phases.scheme_lpsc
            - round(consumer_phases.scheme_lpsc * coalesce(waiver_rules.waiver_percent, 0) / 100, 2)
        ) as settlement_amount

    from step_phases
    inner join consumer_phases
        on
            step_phases.as_of_date = consumer_phases.as_of_date
            and step_phases.account_no = consumer_phases.account_no
    left join first_rules
        on
            step_phases.as_of_date = first_rules.as_of_date
            and step_phases.account_no = first_rules.account_no
            and coalesce(step_phases.phase_code, '') = first_rules.phase_key
    left join waiver_rules
        on first_rules.waiver_rule_order = waiver_rules.rule_order

),

step_floors as (

    select
        *,
        min(paid_to_date) over (
            partition by as_of_date, account_no
            order by step_no
            rows between current row and unbounded following
        ) as least_paid_from_here

    from step_settlements

),

full_payment_points as (

    -- Under the FULL_PAYMENT basis a consumer is fully paid from the first step at which the net
    -- paid reached the settlement of that step's phase and never fell below it afterwards. A
    -- reversal that drops it below releases that phase; a later payment fixes a new one.
    select distinct on (as_of_date, account_no)
        as_of_date,
        account_no,
        phase_code

    from step_floors
    where least_paid_from_here >= settlement_amount or settlement_amount <= 0
    order by as_of_date, account_no, step_no

),

decided as (

    select
        consumer_phases.*,
        full_payment_points.account_no is not null as has_full_payment_point,
        case
            when full_payment_points.account_no is not null then full_payment_points.phase_code
            else consumer_phases.basis_phase_code
        end as phase_code

    from consumer_phases
    left join full_payment_points
        on
            consumer_phases.as_of_date = full_payment_points.as_of_date
            and consumer_phases.account_no = full_payment_points.account_no

),

waived as (

    select
        decided.*,
        first_rules.waiver_rule_order,
        cast(coalesce(waiver_rules.waiver_percent, 0) as numeric(5, 2)) as waiver_percent,
        round(decided.scheme_lpsc * coalesce(waiver_rules.waiver_percent, 0) / 100, 2) as waiver_amount

    from decided
    left join first_rules
        on
            decided.as_of_date = first_rules.as_of_date
            and decided.account_no = first_rules.account_no
            and coalesce(decided.phase_code, '') = first_rules.phase_key
    left join waiver_rules
        on first_rules.waiver_rule_order = waiver_rules.rule_order

),

settled as (

    select
        *,
        scheme_principal + scheme_lpsc - waiver_amount as settlement_amount

    from waived

),

served_notices as (

    select
        as_of_dates.as_of_date,
        notice_deliveries.notice_no

    from notice_deliveries
    inner join as_of_dates
        on notice_deliveries.dump_date <= as_of_dates.as_of_date
    where notice_deliveries.outcome = 'SERVED'
    group by as_of_dates.as_of_date, notice_deliveries.notice_no

),

final as (

    select
        -- ids
        settled.as_of_date,
        settled.account_no,
        settled.beat_code,

        -- classification
        settled.tariff_category,
        settled.sub_category,
        settled.load_kw,
        settled.is_eligible,

        -- scheme dues and waiver
        settled.scheme_principal,
        settled.scheme_lpsc,
        settled.dues_band_amount,
        settled.phase_code,
        settled.payment_option,
        settled.waiver_rule_order,
        settled.waiver_percent,
        settled.waiver_amount,
        settled.settlement_amount,

        -- registration and payments
        settled.is_registered,
        settled.registration_no,
        settled.registration_date,
        settled.counted_receipts,
        settled.net_paid,
        case
            when settled.waiver_phase_basis = 'FULL_PAYMENT' then settled.has_full_payment_point
            else (
                settled.is_registered
                and (settled.net_paid >= settled.settlement_amount or settled.settlement_amount <= 0)
            )
        end as is_fully_paid,

        -- notice
        settled.notice_no,
        served_notices.notice_no is not null as is_notice_served

    from settled
    left join served_notices
        on
            settled.as_of_date = served_notices.as_of_date
            and settled.notice_no = served_notices.notice_no

)

select * from final
