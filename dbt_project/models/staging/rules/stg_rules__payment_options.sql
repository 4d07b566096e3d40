with

source as (

    select * from {{ source('rules', 'payment_options') }}

),

renamed as (

    select
        -- ids
        tariff_category,
        payment_option,

        -- terms
        max_instalments

    from source

)

select * from renamed
