with

source as (

    select * from {{ source('billing', 'camps') }}

),

renamed as (

    select
        -- ids
        camp_id,
        substation_code,
        organised_by_staff_id,

        -- camp
        camp_date,
        started_at,
        ended_at,
        consumers_attended,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
