with

source as (

    select * from {{ source('billing', 'bill_revisions') }}

),

renamed as (

    select
        -- ids
        request_no,
        account_no,
        acted_by_staff_id,

        -- amounts
        revised_principal,
        revised_lpsc,

        -- revision
        event as revision_event,
        event_at,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
