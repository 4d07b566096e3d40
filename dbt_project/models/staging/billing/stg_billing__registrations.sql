with

source as (

    select * from {{ source('billing', 'registrations') }}

),

renamed as (

    select
        -- ids
        registration_no,
        account_no,
        camp_id,

        -- amounts
        registration_amount,

        -- registration
        payment_option,
        instalments,
        bill_revision_opted,
        channel,
        registered_at,
        cast(registered_at as date) as registration_date,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
