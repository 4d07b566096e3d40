with

source as (

    select * from {{ source('billing', 'targets') }}

),

renamed as (

    select
        -- ids
        unit_level,
        unit_code,
        sub_category,
        set_by_staff_id,

        -- amounts
        target_consumers,
        target_amount,

        -- target
        set_on,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
