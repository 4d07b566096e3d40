with

source as (

    select * from {{ source('billing', 'consumers') }}

),

renamed as (

    select
        -- ids
        account_no,
        beat_code,
        feeder_code,

        -- consumer
        consumer_name,
        guardian_name,
        address,
        mobile,
        mobile_normalised,

        -- connection
        tariff_category,
        supply_area,
        sanctioned_load,
        load_unit,
        connection_status,
        court_case,

        -- amounts
        principal_arrears,
        lpsc_arrears,

        -- dates
        dues_cutoff_date,
        last_payment_date,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
