with

source as (

    select * from {{ source('billing', 'hierarchy') }}

),

renamed as (

    select
        -- ids
        beat_code,
        feeder_code,
        substation_code,
        subdivision_code,
        division_code,
        circle_code,
        zone_code,
        discom_code,

        -- names
        beat_name,
        feeder_name,
        substation_name,
        subdivision_name,
        division_name,
        circle_name,
        zone_name,
        discom_name,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
