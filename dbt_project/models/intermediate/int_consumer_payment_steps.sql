{{
    config(
        indexes=[{'columns': ['as_of_date', 'account_no', 'step_no'], 'unique': true}],
    )
}}

with

registrations as (

    select * from {{ ref('stg_billing__registrations') }}

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

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

first_registrations as (

    -- Only the first registration counts: the earliest registered_at, then the lowest registration_no.
    select distinct on (as_of_dates.as_of_date, registrations.account_no)
        as_of_dates.as_of_date,
        registrations.account_no,
        registrations.registration_no,
        registrations.registered_at,
        registrations.registration_date,
        registrations.payment_option,
        registrations.instalments

    from registrations
    inner join as_of_dates
        on registrations.dump_date <= as_of_dates.as_of_date
    order by
        as_of_dates.as_of_date,
        registrations.account_no,
        registrations.registered_at,
        registrations.registration_no

),

arrived_payments as (

    select
        as_of_dates.as_of_date,
        payments.*

    from payments
    inner join as_of_dates
        on payments.dump_date <= as_of_dates.as_of_date

),

counted_receipts as (

    -- A receipt counts when it was paid on or after the registration date.
    select
        arrived_payments.as_of_date,
        arrived_payments.account_no,
        arrived_payments.receipt_no,
        arrived_payments.amount,
        arrived_payments.paid_at,
        arrived_payments.paid_date

    from arrived_payments
    inner join first_registrations
        on
            arrived_payments.as_of_date = first_registrations.as_of_date
            and arrived_payments.account_no = first_registrations.account_no
            and arrived_payments.paid_date >= first_registrations.registration_date
    where arrived_payments.reverses_receipt_no is null

),

counted_reversals as (

    -- A reversal counts, on its own date, only when the receipt it reverses is counted, is of the
    -- same account and was for exactly the opposite amount. Should a receipt be reversed twice, only
    -- the first reversal counts.
    select distinct on (reversals.as_of_date, reversals.reverses_receipt_no)
        reversals.as_of_date,
        reversals.account_no,
        reversals.receipt_no,
        reversals.reverses_receipt_no,
        reversals.amount,
        reversals.paid_at,
        reversals.paid_date

    from arrived_payments as reversals
    inner join counted_receipts as reversed
        on
            reversals.as_of_date = reversed.as_of_date
            and reversals.reverses_receipt_no = reversed.receipt_no
            and reversals.account_no = reversed.account_no
            and reversals.amount = -reversed.amount
    order by
        reversals.as_of_date,
        reversals.reverses_receipt_no,
        reversals.paid_at,
        reversals.receipt_no

),

steps as (

    select
        as_of_date,
        account_no,
        'REGISTRATION' as step_kind,
        registered_at as step_at,
        registration_date as step_date,
        cast(null as text) as receipt_no,
        cast(null as text) as reverses_receipt_no,
        cast(0 as numeric(14, 2)) as amount

    from first_registrations

    union all

    select
        as_of_date,
        account_no,
        'RECEIPT' as step_kind,
        paid_at as step_at,
        paid_date as step_date,
        receipt_no,
        cast(null as text) as reverses_receipt_no,
        amount

    from counted_receipts

    union all

    select
        as_of_date,
        account_no,
        'REVERSAL' as step_kind,
        paid_at as step_at,
        paid_date as step_date,
        receipt_no,
        reverses_receipt_no,
        amount

    from counted_reversals

),

numbered as (

    -- The registration is step 1; the counted receipts and reversals follow in time order.
    select
        *,
        row_number() over (
            partition by as_of_date, account_no
            order by step_kind != 'REGISTRATION', step_at, receipt_no
        ) as step_no

    from steps

),

final as (

    select
        -- ids
        numbered.as_of_date,
        numbered.account_no,
        numbered.step_no,
        numbered.receipt_no,
        numbered.reverses_receipt_no,

        -- step
        numbered.step_kind,
        numbered.step_at,
        numbered.step_date,

        -- amounts
        numbered.amount,
        sum(numbered.amount) over (
            partition by numbered.as_of_date, numbered.account_no
            order by numbered.step_no
        ) as paid_to_date,

        -- the first registration
        first_registrations.registration_no,
        first_registrations.registered_at,
        first_registrations.registration_date,
        first_registrations.payment_option,
        first_registrations.instalments

    from numbered
    inner join first_registrations
        on
            numbered.as_of_date = first_registrations.as_of_date
            and numbered.account_no = first_registrations.account_no

)

select * from final
