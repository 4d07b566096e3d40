with

source as (

    select * from {{ source('billing', 'notice_deliveries') }}

),

renamed as (

    select
        -- ids
        notice_no,
        account_no,
        delivered_by_staff_id,

        -- delivery
        outcome,
        delivered_on,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
