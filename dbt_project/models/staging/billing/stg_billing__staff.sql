with

source as (

    select * from {{ source('billing', 'staff') }}

),

renamed as (

    select
        -- ids
        staff_id,
        unit_level,
        unit_code,

        -- staff
        staff_name,
        post,
        mobile,
        mobile_normalised,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
