with

source as (

    select * from {{ source('rules', 'phases') }}

),

renamed as (

    select
        -- ids
        phase_code,

        -- phase
        phase_order,
        start_date,
        end_date

    from source

)

select * from renamed
