with

source as (

    select * from {{ source('billing', 'payments') }}

),

renamed as (

    select
        -- ids
        receipt_no,
        account_no,
        camp_id,
        reverses_receipt_no,

        -- amounts
        amount,

        -- receipt
        channel,
        paid_at,
        cast(paid_at as date) as paid_date,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
