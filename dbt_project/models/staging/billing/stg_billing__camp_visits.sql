with

source as (

    select * from {{ source('billing', 'camp_visits') }}

),

renamed as (

    select
        -- ids
        visit_id,
        camp_id,
        staff_id,

        -- visit
        visited_at,
        cast(visited_at as date) as visited_on,

        -- load bookkeeping
        dump_date,
        source_file,
        source_line

    from source

)

select * from renamed
